/**
 * A secret reference that is resolved only when used. It never prints its value: `String(s)`,
 * `JSON.stringify(s)` and `util.inspect(s)` show the reference, so a secret can sit in a config
 * object that gets logged without leaking.
 */
import { inspect } from 'node:util';

export type SecretResolver = (path: string, key: string) => Promise<string>;

const REF = /^\$\{secret:([^#}]+)#([^}]+)\}$/;

export class Secret {
  constructor(
    readonly path: string,
    readonly key: string,
    private readonly resolve: SecretResolver,
  ) {}

  /** Parses `${secret:kv/argus/tushare#token}`; returns undefined for anything else. */
  static parse(ref: string, resolve: SecretResolver): Secret | undefined {
    const m = REF.exec(ref);
    return m ? new Secret(m[1], m[2], resolve) : undefined;
  }

  /** The current value (backends cache and rotate; call this at each use, do not keep the value). */
  reveal(): Promise<string> {
    return this.resolve(this.path, this.key);
  }

  toString(): string {
    return `\${secret:${this.path}#${this.key}}`;
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return `Secret(${this.toString()})`;
  }
}
