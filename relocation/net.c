/*
 * net.c - the relocation module's sockets: listen and connect over every
 * getaddrinfo result, timeouts, peer names and exact reads and writes.
 * Every failure path closes what it opened and says which peer failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "reloc.h"

static int set_reuseaddr(int fd, char *err)
{
    int on = 1;

    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on))) {
        snprintf(err, XT_ERRLEN, "setsockopt SO_REUSEADDR: %s",
                 strerror(errno));
        return -1;
    }
    return 0;
}

static int set_nodelay(int fd)
{
    int on = 1;

    return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

int reloc_net_set_timeouts(int fd, int seconds, char *err)
{
    struct timeval tv = { .tv_sec = seconds, .tv_usec = 0 };

    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv))) {
        snprintf(err, XT_ERRLEN, "setsockopt timeouts: %s", strerror(errno));
        return -1;
    }
    return 0;
}

int reloc_net_listen(const char *addr, int port, int backlog, int *fd_r,
                     char *err)
{
    struct addrinfo hints, *res = NULL, *ai;
    char portstr[16];
    int fd = -1, gai, saved = 0;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    snprintf(portstr, sizeof(portstr), "%d", port);
    gai = getaddrinfo(addr, portstr, &hints, &res);
    if (gai) {
        snprintf(err, XT_ERRLEN, "%s: %s", addr ? addr : "*",
                 gai_strerror(gai));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        if (set_reuseaddr(fd, err) == 0 &&
            bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
            listen(fd, backlog) == 0)
            break;
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        snprintf(err, XT_ERRLEN, "cannot listen on %s port %d: %s",
                 addr ? addr : "*", port, strerror(saved));
        return -1;
    }
    *fd_r = fd;
    return 0;
}

/* A connect that gives up after timeout_s seconds. */
static int connect_timeout(int fd, const struct sockaddr *sa, socklen_t len,
                           int timeout_s)
{
    struct pollfd pfd = { .fd = fd, .events = POLLOUT };
    int flags, rc, soerr = 0;
    socklen_t sl = sizeof(soerr);

    flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return -1;
    rc = connect(fd, sa, len);
    if (rc < 0 && errno == EINPROGRESS) {
        do
            rc = poll(&pfd, 1, timeout_s * 1000);
        while (rc < 0 && errno == EINTR);
        if (rc == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        if (rc < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl))
            return -1;
        if (soerr) {
            errno = soerr;
            return -1;
        }
        rc = 0;
    }
    if (rc < 0)
        return -1;
    return fcntl(fd, F_SETFL, flags);
}

int reloc_net_connect(const char *host, int port, int timeout_s, int *fd_r,
                      char *err)
{
    struct addrinfo hints, *res = NULL, *ai;
    char portstr[16];
    int fd = -1, gai, saved = 0;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(portstr, sizeof(portstr), "%d", port);
    gai = getaddrinfo(host, portstr, &hints, &res);
    if (gai) {
        snprintf(err, XT_ERRLEN, "%s: %s", host, gai_strerror(gai));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        if (connect_timeout(fd, ai->ai_addr, ai->ai_addrlen, timeout_s) == 0)
            break;
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        snprintf(err, XT_ERRLEN, "cannot connect to %s port %d: %s", host,
                 port, strerror(saved));
        return -1;
    }
    set_nodelay(fd);
    *fd_r = fd;
    return 0;
}

int reloc_net_peer(int fd, char *addr, size_t addrlen, char *name,
                   size_t namelen)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);

    addr[0] = name[0] = '\0';
    if (getpeername(fd, (struct sockaddr *)&ss, &sl))
        return -1;
    if (getnameinfo((struct sockaddr *)&ss, sl, addr, addrlen, NULL, 0,
                    NI_NUMERICHOST))
        return -1;
    /* IPv4 peers on a dual-stack socket appear as ::ffff:a.b.c.d. */
    if (!strncmp(addr, "::ffff:", 7) && strchr(addr, '.'))
        memmove(addr, addr + 7, strlen(addr + 7) + 1);
    if (getnameinfo((struct sockaddr *)&ss, sl, name, namelen, NULL, 0,
                    NI_NAMEREQD))
        name[0] = '\0';
    set_nodelay(fd);
    return 0;
}

int reloc_net_read(int fd, void *buf, size_t n, const char *what, char *err)
{
    size_t got = 0;
    ssize_t r;

    while (got < n) {
        r = read(fd, (char *)buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(err, XT_ERRLEN, "reading %s: %s", what,
                     errno == EAGAIN ? "timed out" : strerror(errno));
            return -1;
        }
        if (r == 0) {
            snprintf(err, XT_ERRLEN, "reading %s: connection closed", what);
            return -1;
        }
        got += (size_t)r;
    }
    return 0;
}

int reloc_net_hung_up(int fd, const char *what, char *err)
{
    char c;
    ssize_t r;

    do
        r = recv(fd, &c, 1, MSG_PEEK);
    while (r < 0 && errno == EINTR);
    if (r == 1)
        return 0;
    /* A peer that exits with our bytes unread resets the connection. */
    if (r == 0 || errno == ECONNRESET)
        return 1;
    snprintf(err, XT_ERRLEN, "reading %s: %s", what,
             errno == EAGAIN ? "timed out" : strerror(errno));
    return -1;
}

int reloc_net_write(int fd, const void *buf, size_t n, const char *what,
                    char *err)
{
    size_t done = 0;
    ssize_t r;

    while (done < n) {
        r = write(fd, (const char *)buf + done, n - done);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(err, XT_ERRLEN, "writing %s: %s", what,
                     errno == EAGAIN ? "timed out" : strerror(errno));
            return -1;
        }
        done += (size_t)r;
    }
    return 0;
}

int reloc_net_read_timed(int fd, void *buf, size_t n, int timeout_s,
                         const char *what, char *err)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    size_t got = 0;
    ssize_t r;
    int pr;

    while (got < n) {
        pr = poll(&pfd, 1, timeout_s * 1000);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr == 0) {
            snprintf(err, XT_ERRLEN, "reading %s: timed out", what);
            return -1;
        }
        r = pr < 0 ? -1 : read(fd, (char *)buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            snprintf(err, XT_ERRLEN, "reading %s: %s", what,
                     r == 0 ? "connection closed" : strerror(errno));
            return -1;
        }
        got += (size_t)r;
    }
    return 0;
}

static int addr_is_loopback(const struct sockaddr_storage *a)
{
    if (a->ss_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)a)->sin_addr.s_addr) >>
                24) == 127;
    if (a->ss_family == AF_INET6) {
        const struct in6_addr *a6 = &((const struct sockaddr_in6 *)a)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(a6) ||
               (IN6_IS_ADDR_V4MAPPED(a6) && a6->s6_addr[12] == 127);
    }
    return 0;
}

static int addr_equal(const struct sockaddr_storage *a,
                      const struct sockaddr_storage *b)
{
    if (a->ss_family != b->ss_family)
        return 0;
    if (a->ss_family == AF_INET)
        return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
               ((const struct sockaddr_in *)b)->sin_addr.s_addr;
    if (a->ss_family == AF_INET6)
        return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
                       &((const struct sockaddr_in6 *)b)->sin6_addr,
                       sizeof(struct in6_addr));
    return 0;
}

/* A peer on loopback, or at the very address it reached, is this host. */
static int same_host(const struct sockaddr_storage *peer,
                     const struct sockaddr_storage *local)
{
    return addr_is_loopback(peer) || addr_equal(peer, local);
}

int reloc_net_peer_is_self(int fd)
{
    struct sockaddr_storage peer, self;
    socklen_t pl = sizeof(peer), sl = sizeof(self);

    if (getpeername(fd, (struct sockaddr *)&peer, &pl) ||
        getsockname(fd, (struct sockaddr *)&self, &sl))
        return 0;
    return same_host(&peer, &self);
}

/* text as an address, port 0. */
static int addr_parse(const char *text, struct sockaddr_storage *a)
{
    memset(a, 0, sizeof(*a));
    if (inet_pton(AF_INET, text, &((struct sockaddr_in *)a)->sin_addr) == 1)
        a->ss_family = AF_INET;
    else if (inet_pton(AF_INET6, text,
                       &((struct sockaddr_in6 *)a)->sin6_addr) == 1)
        a->ss_family = AF_INET6;
    else
        return -1;
    return 0;
}

/* SSH_CONNECTION is "CLIENT CPORT SERVER SPORT". */
static int ssh_env_self(const char *v)
{
    struct sockaddr_storage peer, self;
    char c[64], sv[64];

    if (sscanf(v, "%63s %*s %63s", c, sv) != 2 ||
        addr_parse(c, &peer) || addr_parse(sv, &self))
        return 0;
    return same_host(&peer, &self);
}

int reloc_net_env_peer_is_self(void)
{
    const char *ssh = getenv("SSH_CONNECTION");
    const char *peer = getenv("SOCAT_PEERADDR");
    const char *sock = getenv("SOCAT_SOCKADDR");
    struct sockaddr_storage p, s;

    if (ssh)
        return ssh_env_self(ssh);
    if (!peer || !sock || addr_parse(peer, &p) || addr_parse(sock, &s))
        return 0;
    return same_host(&p, &s);
}
