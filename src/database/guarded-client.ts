import { Client, type ClientConfig } from 'pg';

/**
 * A pg client that always has a listener for 'error'. A connection killed while checked out for a
 * transaction can emit 'error' more than once (the server's FATAL message, then the socket's end);
 * TypeORM's query runner handles the first by giving the client back to the pool and unsubscribing,
 * and an 'error' event with no listener throws and would take the whole process down. Queries still
 * fail through their own promises, and those failures are what the request answers (503).
 */
export class GuardedClient extends Client {
  constructor(config?: string | ClientConfig) {
    super(config);
    this.on('error', ignoreAfterRelease);
  }
}

function ignoreAfterRelease(): void {
  // The failure reaches whoever was using the connection; the pool discards the client.
}
