/* Exec'd by exec.c: fails (exit 1) if any descriptor is open besides those named on the
 * command line (the ones open before the library was used) and the one reading /proc/self/fd;
 * prints each extra descriptor with what it refers to. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int extra = 0;
    if (!d) {
        perror("/proc/self/fd");
        return 2;
    }
    while ((e = readdir(d)) != NULL) {
        int fd, allowed = 0;
        char link[64], target[512];
        ssize_t n;
        if (e->d_name[0] == '.')
            continue;
        fd = atoi(e->d_name);
        if (fd == dirfd(d))
            continue;
        for (int i = 1; i < argc; i++)
            allowed |= atoi(argv[i]) == fd;
        if (allowed)
            continue;
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        n = readlink(link, target, sizeof target - 1);
        target[n > 0 ? n : 0] = 0;
        printf("leaked fd %d -> %s\n", fd, target);
        extra++;
    }
    closedir(d);
    return extra == 0 ? 0 : 1;
}
