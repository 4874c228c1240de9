// A thin caller of libcurl's SMTP client. Swift cannot call curl_easy_setopt, which is variadic, so
// the whole transfer is set up here. libcurl is loaded with dlopen on first use, so processes that
// never relay mail do not map it and its dependencies.

#include "CMail.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

typedef CURLcode (*global_init_fn)(long);
typedef CURL *(*easy_init_fn)(void);
typedef CURLcode (*easy_setopt_fn)(CURL *, CURLoption, ...);
typedef CURLcode (*easy_perform_fn)(CURL *);
typedef CURLcode (*easy_getinfo_fn)(CURL *, CURLINFO, ...);
typedef void (*easy_cleanup_fn)(CURL *);
typedef const char *(*easy_strerror_fn)(CURLcode);
typedef struct curl_slist *(*slist_append_fn)(struct curl_slist *, const char *);
typedef void (*slist_free_all_fn)(struct curl_slist *);

static struct {
    easy_init_fn easy_init;
    easy_setopt_fn easy_setopt;
    easy_perform_fn easy_perform;
    easy_getinfo_fn easy_getinfo;
    easy_cleanup_fn easy_cleanup;
    easy_strerror_fn easy_strerror;
    slist_append_fn slist_append;
    slist_free_all_fn slist_free_all;
    char load_error[CMAIL_ERROR_SIZE];
} curl;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load_curl(void) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        snprintf(curl.load_error, sizeof curl.load_error,
                 "libcurl.so.4 could not be loaded (%s); install Debian's libcurl4 package", dlerror());
        return;
    }

    global_init_fn global_init = (global_init_fn)dlsym(library, "curl_global_init");
    curl.easy_init = (easy_init_fn)dlsym(library, "curl_easy_init");
    curl.easy_setopt = (easy_setopt_fn)dlsym(library, "curl_easy_setopt");
    curl.easy_perform = (easy_perform_fn)dlsym(library, "curl_easy_perform");
    curl.easy_getinfo = (easy_getinfo_fn)dlsym(library, "curl_easy_getinfo");
    curl.easy_cleanup = (easy_cleanup_fn)dlsym(library, "curl_easy_cleanup");
    curl.easy_strerror = (easy_strerror_fn)dlsym(library, "curl_easy_strerror");
    curl.slist_append = (slist_append_fn)dlsym(library, "curl_slist_append");
    curl.slist_free_all = (slist_free_all_fn)dlsym(library, "curl_slist_free_all");
    if (global_init == NULL || curl.easy_init == NULL || curl.easy_setopt == NULL || curl.easy_perform == NULL ||
        curl.easy_getinfo == NULL || curl.easy_cleanup == NULL || curl.easy_strerror == NULL ||
        curl.slist_append == NULL || curl.slist_free_all == NULL) {
        snprintf(curl.load_error, sizeof curl.load_error,
                 "libcurl.so.4 lacks a function this program calls; install Debian's libcurl4 7.88 or newer");
        curl.easy_init = NULL;
        return;
    }

    if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(curl.load_error, sizeof curl.load_error, "curl_global_init failed");
        curl.easy_init = NULL;
    }
}

struct upload {
    const char *bytes;
    size_t remaining;
    /// Set once libcurl has asked for data after the last byte, so the whole message went out.
    int finished;
};

static size_t read_message(char *buffer, size_t size, size_t count, void *context) {
    struct upload *upload = context;
    if (upload->remaining == 0) {
        upload->finished = 1;
    }
    size_t room = size * count;
    size_t copied = upload->remaining < room ? upload->remaining : room;

    memcpy(buffer, upload->bytes, copied);
    upload->bytes += copied;
    upload->remaining -= copied;
    return copied;
}

int cmail_smtp_send(const char *url, const char *from, const char *recipient, const char *message,
                    size_t length, long timeout_ms, long *smtp_code, char *error) {
    *smtp_code = 0;
    error[0] = '\0';

    pthread_once(&load_once, load_curl);
    if (curl.easy_init == NULL) {
        snprintf(error, CMAIL_ERROR_SIZE, "%s", curl.load_error);
        return -1;
    }

    CURL *handle = curl.easy_init();
    if (handle == NULL) {
        snprintf(error, CMAIL_ERROR_SIZE, "curl_easy_init failed");
        return -1;
    }

    char curl_error[CURL_ERROR_SIZE] = {0};
    struct curl_slist *recipients = curl.slist_append(NULL, recipient);
    struct upload upload = {message, length, 0};

    curl.easy_setopt(handle, CURLOPT_URL, url);
    curl.easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "smtp");
    // An empty proxy turns off every proxy, including those named by environment variables.
    curl.easy_setopt(handle, CURLOPT_PROXY, "");
    curl.easy_setopt(handle, CURLOPT_MAIL_FROM, from);
    curl.easy_setopt(handle, CURLOPT_MAIL_RCPT, recipients);
    curl.easy_setopt(handle, CURLOPT_READFUNCTION, read_message);
    curl.easy_setopt(handle, CURLOPT_READDATA, &upload);
    curl.easy_setopt(handle, CURLOPT_UPLOAD, 1L);
    curl.easy_setopt(handle, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl.easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    // Bounds the wait for each reply, QUIT's at the close included, which CURLOPT_TIMEOUT_MS does not
    // bound. Without it, a relay that stops replying keeps the attempt for libcurl's default of 120 s.
    curl.easy_setopt(handle, CURLOPT_SERVER_RESPONSE_TIMEOUT, (timeout_ms + 999) / 1000);
    curl.easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl.easy_setopt(handle, CURLOPT_ERRORBUFFER, curl_error);

    CURLcode result = curl.easy_perform(handle);
    curl.easy_getinfo(handle, CURLINFO_RESPONSE_CODE, smtp_code);
    if (result != CURLE_OK) {
        snprintf(error, CMAIL_ERROR_SIZE, "%s", curl_error[0] != '\0' ? curl_error : curl.easy_strerror(result));
    }

    curl.slist_free_all(recipients);
    curl.easy_cleanup(handle);
    if (result == CURLE_OK) {
        return 0;
    }
    // No connection was made, so nothing of the message went out.
    if (result == CURLE_COULDNT_CONNECT || result == CURLE_COULDNT_RESOLVE_HOST) {
        return -3;
    }
    // The whole message went out and no final reply came (the last one is DATA's 354, or none).
    if (upload.finished && (*smtp_code == 354 || *smtp_code == 0)) {
        return -2;
    }
    return -1;
}
