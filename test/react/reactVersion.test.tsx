// @vitest-environment jsdom
// Each vitest project runs on the React it names (vite.config.ts `provide: { reactMajor }`): this fails if the
// react18 project's aliases ever stop reaching React, ReactDOM, React Query or Testing Library and they quietly
// resolve to the root's React 19 (two Reacts would also fail here, as "Invalid hook call").
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { render, renderHook, screen } from '@testing-library/react';
import { version as reactVersion, useId } from 'react';
import { version as domVersion } from 'react-dom';
import { version as clientVersion } from 'react-dom/package.json';
import { inject } from 'vitest';

declare module 'vitest' {
  interface ProvidedContext {
    reactMajor: string;
  }
}

const major = inject('reactMajor');

it('runs on the React its project names', () => {
  expect(major).toMatch(/^1[89]$/);
  expect(reactVersion.split('.')[0]).toBe(major);
  expect(domVersion.split('.')[0]).toBe(major);
  expect(clientVersion).toBe(domVersion);
});

it('renders React Query and Testing Library on that same React', async () => {
  const queryClient = new QueryClient();
  function Probe() {
    const id = useId();
    const { data } = useQuery({ queryKey: ['v'], queryFn: () => Promise.resolve(reactVersion) });
    return <output id={id}>{data ?? 'loading'}</output>;
  }
  render(
    <QueryClientProvider client={queryClient}>
      <Probe />
    </QueryClientProvider>,
  );
  expect(await screen.findByText(reactVersion)).toBeInTheDocument();
  const { result } = renderHook(() => useId());
  expect(result.current).toEqual(expect.any(String));
});
