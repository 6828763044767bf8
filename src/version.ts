/** The program's version, announced in the handshake and by `chat --version`. */
export const VERSION = "0.1.0";
