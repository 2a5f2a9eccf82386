#!/bin/bash
# waits for the tailor server child, then samples /proc/PID/io every 5 s and syscall counts for 10 s
for i in $(seq 1 120); do PID=$(pgrep -f "tailor.dll serve" | head -1); [ -n "$PID" ] && break; sleep 1; done
echo "pid $PID"
sleep 25
for k in 1 2 3 4; do echo "$(date +%T) $(grep -E 'write_bytes|syscw|wchar' /proc/$PID/io | tr '\n' ' ')"; sleep 5; done
perf stat -e 'syscalls:sys_enter_pwrite64,syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync,syscalls:sys_enter_pread64' -p $PID -- sleep 10 2>&1 | grep -E "sys_enter|elapsed"
