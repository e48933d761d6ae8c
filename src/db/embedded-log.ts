/** Where the embedded server's notices (info) and its own output (debug) go. */
export interface EmbeddedLog {
  info(message: string): void
  debug(message: string): void
}
