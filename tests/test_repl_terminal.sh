#!/bin/sh
# The REPL at a real terminal (tmux): Tab completes a debugger command, a
# symbol, a Lua global and a table's field; history is kept across two
# sessions (in $XDG_STATE_HOME/ntmm/history); Ctrl-C cancels the line being
# typed, and interrupts `while true do end` with the prompt back and the next
# command working. Prints TAP for run-tests.sh.
. "$(dirname "$0")/shell_tap.sh"
export XDG_STATE_HOME="$dir/state"
socket="$dir/tmux1"
t() { tmux -S "$socket" "$@" 2>/dev/null; }
screen() { t capture-pane -p -t ntmm; }
# Waits until the screen shows TEXT (a grep -F pattern), up to 20 s.
wait_for() {
    i=0
    while [ $i -lt 200 ]; do
        screen | grep -qF -- "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
session() {
    socket="$dir/tmux$1" # a server of its own: no race with the last one's exit
    t new-session -d -s ntmm -x 150 -y 50 "$NTMM 2>$dir/err$1; echo ntmm-exited-\$?; sleep 30"
    wait_for "kd>" && sleep 0.5 # libedit reads keys once its prompt is drawn
}

session 1
check $? "the REPL shows its prompt in a terminal"
t send-keys -t ntmm '!pt' Tab
wait_for "kd> !pte"
check $? "Tab completes a debugger command (!pt -> !pte)"
t send-keys -t ntmm C-u 'dd MmZer' Tab
wait_for "kd> dd MmZeroedPageListHead"
check $? "Tab completes a symbol (dd MmZer -> MmZeroedPageListHead)"
t send-keys -t ntmm C-u 'VirtualAl' Tab
wait_for "kd> VirtualAlloc"
check $? "Tab completes a Lua global (VirtualAl -> VirtualAlloc)"
t send-keys -t ntmm C-u 'colours = { crimson = 1 }' Enter 'colours.cr' Tab
wait_for "kd> colours.crimson"
check $? "Tab completes a table's field (colours.cr -> colours.crimson)"
t send-keys -t ntmm Enter
t send-keys -t ntmm 'half-typed line' C-c
wait_for "kd> half-typed line"
t send-keys -t ntmm 'print("answer " .. 6 * 7)' Enter
wait_for "answer 42"
check $? "Ctrl-C cancels the line being typed; the next line runs"
t send-keys -t ntmm 'while true do end' Enter
sleep 1
t send-keys -t ntmm C-c
wait_for "kd> while true do end"
i=0
until grep -q interrupted "$dir/err1" || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
grep -q interrupted "$dir/err1"
check $? "Ctrl-C interrupts a running loop (\"interrupted\" on stderr)"
t send-keys -t ntmm 'print("still " .. 0x10)' Enter
wait_for "still 16"
check $? "after the interrupt the next command works"
t send-keys -t ntmm 'history_marker = 1234' Enter 'q' Enter
wait_for "ntmm-exited-0"
check $? "q leaves with status 0"
t kill-server 2>/dev/null

session 2
t send-keys -t ntmm Up
sleep 0.2
t send-keys -t ntmm Up
wait_for "kd> history_marker = 1234"
check $? "history from the first session is there in the second (Up)"
t send-keys -t ntmm C-u 'q' Enter
wait_for "ntmm-exited-0"
t kill-server 2>/dev/null
test -f "$XDG_STATE_HOME/ntmm/history"
check $? "the history file is in \$XDG_STATE_HOME/ntmm"
! cat "$dir/err1" "$dir/err2" | grep -Eq 'AddressSanitizer|runtime error:|LeakSanitizer'
check $? "no sanitizer report"
[ "$n" -eq 12 ] || echo "not ok $((n + 1)) - wrong number of checks"
