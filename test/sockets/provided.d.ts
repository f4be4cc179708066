// What test/support/smtp-server.ts (the sockets project's globalSetup) provides to these tests.
declare module "vitest" {
  export interface ProvidedContext {
    smtp: {
      port: number;
      tlsPort: number;
      untrustedTlsPort: number;
      tlsUser: string;
      tlsPass: string;
      mailboxUrl: string;
    };
  }
}

export {};
