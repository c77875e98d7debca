/**
 * Linux signal names by number (the same on x86-64 and arm64). A static table rather than `os.constants.signals`:
 * the sandbox is Linux even when the host is not (macOS numbers SIGSYS 12). SIGSYS is how seccomp kills a process
 * that makes an i386 system call.
 */
const SIGNALS: readonly string[] = [
  ...["", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL"],
  ...["SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT"],
  ...["SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF"],
  ...["SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"],
];

/** "SIGSYS" for 31; real-time signals by number ("SIG34"). */
export function signalName(signal: number): string {
  return SIGNALS[signal] || `SIG${signal}`;
}
