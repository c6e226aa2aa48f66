/**
 * Version of the reference programs (the package's version; a test keeps them equal).
 * A constant, not a read of package.json, so the bundled programs start without it.
 */
export const REFERENCE_VERSION = '0.1.0';
