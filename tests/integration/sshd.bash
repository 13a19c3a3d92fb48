# sshd.bash - an OpenSSH server of the caller's own, for the test and the
# benchmark that move a domain as xl does, through
# "ssh HOST xltool migrate-receive".  Host and client keys are made for
# the run, the client key is the only one authorized, there is no PAM,
# and neither the user's nor the system's ssh configuration is read.
#
# Sourced, not run: run-tests runs only *.sh files.
#
#   sshd_usable                 0 if sshd and ssh are installed
#   sshd_start DIR ADDR PORT ENV [PREFIX...]
#       starts sshd on ADDR:PORT with its keys, config and log in DIR;
#       ENV ("NAME=value ...") is every session's environment, whose PATH
#       must find the xltool under test; PREFIX runs sshd (and the check
#       that it answers) elsewhere, e.g. "ip netns exec NS".  Sets
#       SSHD_PID and SSH_CMD, the client's command without the host.
#       Returns 1, with sshd's log on stderr, if sshd does not answer.
#   sshd_stop                   stops it (and removes /run/sshd if
#                               sshd_start made it)

SSHD_PID=
SSH_CMD=
SSHD_MADE_PRIVSEP=

sshd_usable() {
    [ -x /usr/sbin/sshd ] && command -v ssh >/dev/null &&
        command -v ssh-keygen >/dev/null
}

sshd_start() {
    local d=$1 addr=$2 port=$3 env i
    # One line in sshd_config, whatever spaces the caller used.
    env=$(echo $4)
    shift 4
    mkdir -p "$d" || return 1
    rm -f "$d/host_key" "$d/client_key" "$d/host_key.pub" \
        "$d/client_key.pub"
    ssh-keygen -q -t ed25519 -N '' -f "$d/host_key" &&
        ssh-keygen -q -t ed25519 -N '' -f "$d/client_key" || return 1
    cp "$d/client_key.pub" "$d/authorized_keys"
    cat >"$d/sshd_config" <<EOF
ListenAddress $addr
Port $port
HostKey $d/host_key
AuthorizedKeysFile $d/authorized_keys
StrictModes no
UsePAM no
PidFile none
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers $(id -un)
PrintMotd no
SetEnv $env
EOF
    SSH_CMD="ssh -F none -p $port -i $d/client_key -o BatchMode=yes
             -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
             -o LogLevel=ERROR"
    SSH_CMD=$(echo $SSH_CMD)
    # As root, sshd needs the privilege separation directory that
    # Debian's ssh service creates when it starts.
    if [ "$(id -u)" = 0 ] && [ ! -d /run/sshd ]; then
        mkdir -m 0755 /run/sshd && SSHD_MADE_PRIVSEP=1
    fi
    "$@" /usr/sbin/sshd -D -e -f "$d/sshd_config" 2>"$d/sshd.log" &
    SSHD_PID=$!
    for i in $(seq 1 50); do
        "$@" $SSH_CMD "$addr" true 2>/dev/null && return 0
        kill -0 "$SSHD_PID" 2>/dev/null || break
        sleep 0.1
    done
    cat "$d/sshd.log" >&2
    return 1
}

sshd_stop() {
    if [ -n "$SSHD_PID" ]; then
        kill "$SSHD_PID" 2>/dev/null
        wait "$SSHD_PID" 2>/dev/null
    fi
    SSHD_PID=
    if [ -n "$SSHD_MADE_PRIVSEP" ]; then
        rmdir /run/sshd 2>/dev/null
        SSHD_MADE_PRIVSEP=
    fi
}
