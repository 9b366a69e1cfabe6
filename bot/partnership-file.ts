import { readFileSync } from 'node:fs';
import { parsePartnership, PartnershipFileError, type Partnership } from '../review/partnership.js';

/** The partnership file at `path`, read and checked: for the server and the operators' commands alike. */
export function readPartnership(path: string): Partnership {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new PartnershipFileError(path, [`cannot be read (${code}): set PARTNERSHIP_FILE to the partnership file's path`]);
  }
  return parsePartnership(text, path);
}
