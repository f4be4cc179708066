// What test/support/smtp-server.ts (the sockets project's globalSetup) provides to these tests.
declare module "vitest" {
  export interface ProvidedContext {
    smtp: import("../support/smtp-server").SmtpSink;
  }
}

export {};
