// Volume names: the characters Docker's local driver allows (the name becomes a directory under
// the data root, so nothing may let it escape), and anonymous volumes' generated names and label.
import { InvalidArgumentError } from '../errors.js';
import { newId } from '../../util/ids.js';

export const RESTRICTED_NAME_CHARS = '[a-zA-Z0-9][a-zA-Z0-9_.-]';
const VALID_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Docker sets this label on volumes it names itself; prune (API ≥ 1.42) removes only these by default. */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

export function isValidVolumeName(name: string): boolean {
  return VALID_NAME.test(name);
}

/** Throws Docker's 400 for a name the local driver refuses. */
export function checkVolumeName(name: string): void {
  if (!isValidVolumeName(name)) {
    throw new InvalidArgumentError(
      `create ${name}: ${JSON.stringify(name)} includes invalid characters for a local volume name, only ${JSON.stringify(RESTRICTED_NAME_CHARS)} are allowed. If you intended to pass a host directory, use absolute path`,
    );
  }
}

/** A fresh anonymous volume name: 64 hex characters, as Docker generates. */
export function anonymousVolumeName(): string {
  return newId();
}
