/** The fuzz suite's count for one endpoint, as `test/workers/fuzz.test.ts` prints it and `bench:fuzz` reads it. */
export interface FuzzTally {
  sent: number;
  "2xx": number;
  "3xx": number;
  "4xx": number;
  "5xx": number;
  storedOnReject: number;
  reflected: number;
  badErrorShape: number;
}
