#!/usr/bin/env bash
# The container's health check: GET /readyz on the relay's admin port, with bash alone (its /dev/tcp and builtins;
# no JVM, no curl), so that a check every 10 s costs a few milliseconds of CPU instead of a JVM's second.
# The admin address is RELAY_ADMIN_ADDRESS as the relay reads it (default 0.0.0.0:8888); a wildcard host is asked
# on the loopback address. An admin address set only in a config file needs RELAY_ADMIN_ADDRESS here too (or the
# `healthcheck` command, which reads the file). Exit 0 when the answer is 200, 1 otherwise, with the reason.
address=${RELAY_ADMIN_ADDRESS:-0.0.0.0:8888}
port=${address##*:}
host=${address%:*}
host=${host#\[}
host=${host%\]}
case $host in
  '' | 0.0.0.0 | '::') host=127.0.0.1 ;;
esac
# The braces keep bash's own "connection refused" quiet; fd 3 stays open after them.
if ! { exec 3<>"/dev/tcp/$host/$port"; } 2>/dev/null; then
  echo "not ready: nothing answers on $host:$port" >&2
  exit 1
fi
printf 'GET /readyz HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$host" >&3
if ! IFS= read -r -t 4 status <&3; then
  echo "not ready: no answer from $host:$port within 4 s" >&2
  exit 1
fi
status=${status%$'\r'}
# Headers, then the body, which says what is not ready.
body=
while IFS= read -r -t 1 line <&3; do
  [[ $line == $'\r' || -z $line ]] && break
done
while IFS= read -r -t 1 line <&3; do
  body+="${line%$'\r'} "
done
exec 3<&-
if [[ $status == HTTP/1.?' 200'* ]]; then
  echo "ready ($host:$port)"
  exit 0
fi
echo "not ready ($host:$port/readyz answered ${status#HTTP/1.? }): ${body% }" >&2
exit 1
