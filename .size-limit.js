// Size budgets for what an app actually ships (`npm run size`): minified, tree-shaken by esbuild
// (@size-limit/preset-small-lib), gzipped. React and React Query are the app's own peer dependencies and are left
// out; zod is this package's real dependency and is counted.
const ignore = ['react', 'react-dom', 'react/jsx-runtime', '@tanstack/react-query'];

export default [
  {
    name: 'minimal hook: { useVideoGeneration, fal }',
    path: 'dist/index.js',
    import: '{ useVideoGeneration, fal }',
    limit: '8 KB',
    gzip: true,
    ignore,
  },
  {
    name: 'everything React-facing: * from react-video-jobs',
    path: 'dist/index.js',
    import: '*',
    limit: '14 KB',
    gzip: true,
    ignore,
  },
  {
    name: 'server: react-video-jobs/server',
    path: 'dist/server.js',
    limit: '12 KB',
    gzip: true,
    // A server app never bundles Node's built-ins.
    ignore: [...ignore, 'node:*'],
  },
];
