// Vite's client types: CSS and asset imports in stories (TypeScript 7 requires declarations for them).
/// <reference types="vite/client" />
