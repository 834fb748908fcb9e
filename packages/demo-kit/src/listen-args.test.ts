// The native servers take the gateway CLI's arguments: flags first, then $HOST/$PORT, then defaults.
import { describe, expect, it } from 'vitest';
import { parseListenArgs } from './listen-args.ts';

describe('parseListenArgs', () => {
  it('defaults to 127.0.0.1:8888', () => {
    expect(parseListenArgs([], {})).toEqual({ host: '127.0.0.1', port: 8888 });
  });

  it('takes $HOST and $PORT, and flags over them', () => {
    expect(parseListenArgs([], { HOST: '0.0.0.0', PORT: '9000' })).toEqual({ host: '0.0.0.0', port: 9000 });
    expect(parseListenArgs(['--', '--port', '0', '--host', '::1'], { PORT: '9000' })).toEqual({ host: '::1', port: 0 });
  });

  it('says what is wrong with a bad port or flag', () => {
    expect(() => parseListenArgs(['--port', 'http'], {})).toThrow('--port must be a whole number from 0 to 65535, got "http"');
    expect(() => parseListenArgs(['--verbose'], {})).toThrow(/verbose/);
  });
});
