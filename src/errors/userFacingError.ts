/**
 * A failure the extension itself raises with a complete, localized sentence for the user (a refused destination,
 * a prompt Apiframe would reject, a command called with an argument it cannot use). The error reporter shows its
 * message as it is and logs it without the error's class name: there is nothing more to look up in the log.
 */
export class UserFacingError extends Error {
  override readonly name: string = 'UserFacingError';
}
