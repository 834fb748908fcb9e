// Errors the server answers itself, without calling the app (SPEC rule 6.5): each carries the
// status to send, so the parser can say "414" where the problem is found and the connection
// only has to write it.
import { reasonPhrase, statusText } from './vocabulary.ts';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }

  /** The status line's text, e.g. `400 Bad Request`. */
  get statusLine(): string {
    return statusText(this.status, reasonPhrase(this.status) || 'Error');
  }
}

export const badRequest = (why: string): HttpError => new HttpError(400, why);
