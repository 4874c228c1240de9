#ifndef CMAIL_H
#define CMAIL_H

#include <stddef.h>

/// The size of the buffer `cmail_smtp_send` writes its error text into.
#define CMAIL_ERROR_SIZE 512

/// Sends one RFC 5322 message over SMTP with libcurl, which is loaded with dlopen on the first call.
///
/// `url` is `smtp://host:port`. `message` contains the whole message, headers and body, with CRLF line
/// ends. Returns 0 when the server accepted the message. Otherwise it writes a NUL-terminated reason
/// into `error` (CMAIL_ERROR_SIZE bytes) and returns -2 when the whole message was sent but no final
/// reply came, so the server may have it, -3 when no connection to the server could be made, or -1 for
/// any other failure. `smtp_code` receives the last
/// SMTP reply code, or 0 when none arrived.
int cmail_smtp_send(const char *url, const char *from, const char *recipient, const char *message,
                    size_t length, long timeout_ms, long *smtp_code, char *error);

#endif
