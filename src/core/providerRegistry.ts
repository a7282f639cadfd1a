import type { ProviderAdapter, ProviderContext } from './provider';
import type { Transport } from './transport';
import { invalidInput } from './clientInput';

/** The providers a client was created with, and the contexts their adapters make requests with. */
export interface ProviderRegistry {
  readonly names: readonly string[];
  /** The adapter registered as `name`; throws `invalid_input` naming the registered ones otherwise. */
  adapter(name: string): ProviderAdapter;
  /**
   * The context adapters make requests with. With `reads`, every request is idempotent unless the adapter says
   * otherwise: asking about a job has no side effect whatever the method (an API may want POST), so a transient
   * failure (a 500 included) is retried instead of losing the job.
   */
  context(name: string, options?: { reads?: boolean }): ProviderContext;
}

export function createProviderRegistry(
  providers: Record<string, ProviderAdapter>,
  transport: Transport,
  base: Omit<ProviderContext, 'request'>,
): ProviderRegistry {
  const names = Object.freeze(Object.keys(providers));
  const contexts = new Map<string, ProviderContext>();
  return {
    names,
    adapter(name) {
      const found = typeof name === 'string' && Object.hasOwn(providers, name) ? providers[name] : undefined;
      if (found) return found;
      throw invalidInput(
        'provider',
        `no provider named ${JSON.stringify(name)} is registered (registered: ${names.join(', ') || 'none'}); add it to createVideoClient({ providers: { ${typeof name === 'string' && name ? name : 'name'}: ... } })`,
      );
    },
    context(name, { reads = false } = {}) {
      const key = `${reads ? 'reads' : 'writes'}:${name}`;
      let context = contexts.get(key);
      if (!context) {
        context = {
          ...base,
          request: (request) =>
            transport.request({
              ...(reads ? { idempotent: true } : {}),
              ...request,
              provider: request.provider ?? name,
            }),
        };
        contexts.set(key, context);
      }
      return context;
    },
  };
}
