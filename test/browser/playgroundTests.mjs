// The Playground story: real hooks and components against the simulator running in the page.
export function playgroundTests() {
  return [];
}
