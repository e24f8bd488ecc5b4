// Shapes that several Engine API objects share. Pure types: this folder holds no runtime code,
// so both the client (bundled into every CLI command) and the daemon's handlers import it for free.

/** Docker's `filters` query value, decoded: key → values (`{"label":["a=b","c"]}`). */
export type FilterMap = Record<string, string[]>;

/**
 * Filters as callers give them: `["label=a=b", "dangling=true"]` (the CLI's `--filter` values),
 * a Map or a record of key → values. The client encodes every form the same way.
 */
export type FilterInput = readonly string[] | ReadonlyMap<string, readonly string[]> | Readonly<Record<string, readonly string[]>>;

/** `{"message": …}`: the body of every error answer. */
export interface ErrorResponse {
  message: string;
}

/** `{"Id": …}` with the warnings some creates return. */
export interface IdResponse {
  Id: string;
  Warnings?: string[] | null;
}

/** A string map as Docker sends labels and options: absent, null or an object. */
export type Labels = Record<string, string>;

export interface JsonProgressDetail {
  current?: number;
  total?: number;
  start?: number;
  hidecounts?: boolean;
  units?: string;
}

/** One message of the newline-delimited JSON streams (pull, push, load, import, build). */
export interface JsonMessage {
  stream?: string;
  status?: string;
  progress?: string;
  progressDetail?: JsonProgressDetail;
  id?: string;
  from?: string;
  time?: number;
  timeNano?: number;
  errorDetail?: { code?: number; message?: string };
  error?: string;
  aux?: unknown;
}
