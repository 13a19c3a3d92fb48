/*
 * savefile.h - the xl save-file header: the fixed header that xl writes
 * at the start of a save file or migration stream, with the domain config
 * as JSON in its optional data.  Used by save, restore and migration.
 *
 * Layout (native byte order, as xl writes it):
 *   char magic[32]              "Xen saved domain, xl format\n \0 \r"
 *   uint32_t byteorder          0x01020304
 *   uint32_t mandatory_flags    XL_MANDATORY_FLAG_*; unknown bits refuse
 *   uint32_t optional_flags
 *   uint32_t optional_data_len
 *   optional data: uint32_t len, then len bytes of JSON ending in '\0'
 */
#ifndef XLTOOL_SAVEFILE_H
#define XLTOOL_SAVEFILE_H

#include <stdint.h>
#include <stddef.h>

#define XT_SAVEFILE_MAGIC      "Xen saved domain, xl format\n \0 \r"
#define XT_SAVEFILE_MAGIC_LEN  32
#define XT_SAVEFILE_BYTEORDER  0x01020304u
#define XT_SAVEFILE_HDR_LEN    48

/* Flags defined by xl. */
#define XL_MANDATORY_FLAG_JSON     (1u << 0)  /* optional data holds JSON */
#define XL_MANDATORY_FLAG_STREAMv2 (1u << 1)  /* libxc migration v2 stream */
/* Ours: the stream after the header is the simulated backend's page
 * stream.  xl does not know this bit and so refuses such a file. */
#define XT_MANDATORY_FLAG_SIMSTREAM (1u << 31)

/* Upper bound on the optional data we accept (the config JSON). */
#define XT_SAVEFILE_MAX_OPTDATA (16u << 20)

/*
 * Writes the header and the config JSON (json may be NULL: no config).
 * stream_flags are the backend's mandatory flags (STREAMv2 or SIMSTREAM).
 */
int core_savefile_write(int fd, const char *json, uint32_t stream_flags,
                        char *err, size_t errlen);
/*
 * Reads and checks a header: magic, byte order, mandatory flags (every bit
 * must be in known_flags), lengths against XT_SAVEFILE_MAX_OPTDATA before
 * anything is allocated.  On success *json_r holds the malloc'd config
 * (NULL when the file has none) and *mflags_r the mandatory flags; the fd
 * is left at the first byte of the stream.
 */
int core_savefile_read(int fd, uint32_t known_flags, char **json_r,
                       uint32_t *mflags_r, char *err, size_t errlen);

/* Reads or writes exactly len bytes, retrying on EINTR and short counts.
 * Return 0, or -1 with errno set (0 on a read that met end of file). */
int core_read_full(int fd, void *buf, size_t len);
int core_write_full(int fd, const void *buf, size_t len);

#endif
