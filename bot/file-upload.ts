/**
 * Putting a file where Teams said to, after the person accepted it on a file consent card
 * (`fileConsent/invoke`): one PUT of every byte to the upload session Teams made in their
 * OneDrive. Not the Bot Connector: the session's URL carries its own authorisation, so the
 * bot's token is never sent with it.
 */

/** Teams answered the upload with something other than success, or could not be reached. */
export class UploadError extends Error {
  constructor(readonly status: number | undefined) {
    super(status ? `the upload was answered ${status}` : 'the upload could not be made');
    this.name = 'UploadError';
  }
}

/**
 * Whether Panel will PUT to `url`: HTTPS always; plain HTTP only in local mode, where the
 * Bot Connector stand-in (or the Playground) plays OneDrive on this machine.
 */
export function uploadAllowed(url: string | undefined, localMode: boolean): url is string {
  if (!url) return false;
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || (localMode && protocol === 'http:');
  } catch {
    return false;
  }
}

/** PUTs `bytes` to the upload session at `url` in one piece. */
export async function uploadFile(url: string, bytes: Buffer, timeoutMs = 60_000): Promise<void> {
  let status: number | undefined;
  try {
    const answer = await fetch(url, {
      method: 'PUT',
      headers: { 'content-range': `bytes 0-${bytes.length - 1}/${bytes.length}` },
      body: bytes,
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = answer.status;
    await answer.arrayBuffer();
  } catch {
    throw new UploadError(undefined);
  }
  if (status < 200 || status > 299) throw new UploadError(status);
}
