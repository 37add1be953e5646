/*
 * netknife: the socket side of Substrate VM's Attach API support (com.oracle.svm.core.posix.attach.
 * AttachHelper), used only when the image is built with jcmd/attach support.  The protocol is
 * HotSpot's on POSIX: the attaching tool creates .attach_pid<pid>, sends SIGQUIT, and then talks
 * to the Unix domain socket .java_pid<pid> in the temporary directory, which only the same
 * effective user (or root) may use.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "svm_libchelper.h"

static int uid_allowed(uid_t uid)
{
    return uid == 0 || uid == geteuid();
}

/* A socket file left by an earlier process with our pid would block the listener: remove it. */
void svm_attach_startup(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        unlink(path);
    }
}

void svm_attach_listener_cleanup(int listenerSocket, const char *path)
{
    if (listenerSocket != -1) {
        shutdown(listenerSocket, SHUT_RDWR);
        close(listenerSocket);
    }
    if (path != NULL && path[0] != '\0') {
        unlink(path);
    }
}

/* The socket file still exists (a tool may have deleted it to ask for a new listener). */
int svm_attach_check_socket_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The trigger file exists and belongs to us or root. */
int svm_attach_is_init_trigger(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && uid_allowed(st.st_uid);
}

/*
 * Binds a listening socket under a temporary name, restricts it to the owner and renames it into
 * place, so a tool never connects to a half-set-up socket.  Returns the socket, or -1.
 */
int svm_attach_create_listener(const char *path)
{
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    char initial[sizeof(addr.sun_path)];
    if (snprintf(initial, sizeof(initial), "%s.tmp", path) >= (int) sizeof(initial)) {
        return -1;
    }
    strcpy(addr.sun_path, initial);
    unlink(initial);

    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener == -1) {
        return -1;
    }
    int ok = bind(listener, (struct sockaddr *) &addr, sizeof(addr)) == 0;
    if (ok) {
        ok = listen(listener, 5) == 0 && chmod(initial, S_IRUSR | S_IWUSR) == 0 &&
                        chown(initial, geteuid(), getegid()) == 0 && rename(initial, path) == 0;
    }
    if (!ok) {
        close(listener);
        unlink(initial);
        return -1;
    }
    return listener;
}

/*
 * Accepts the next connection from a peer with our effective uid and gid (or root).  Returns the
 * connected socket, or -1 once the listener is closed or broken.
 */
int svm_attach_wait_for_request(int listenerSocket)
{
    for (;;) {
        int s;
        do {
            s = accept(listenerSocket, NULL, NULL);
        } while (s == -1 && errno == EINTR);
        if (s == -1) {
            return -1;
        }
        struct ucred cred;
        socklen_t len = sizeof(cred);
        if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
                        (cred.uid == 0 || (cred.uid == geteuid() && cred.gid == getegid()))) {
            return s;
        }
        close(s);
    }
}

void svm_attach_shutdown_socket(int socket)
{
    shutdown(socket, SHUT_RDWR);
}
