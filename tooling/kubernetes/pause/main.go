// The pod sandbox ("pause") process: containerd starts it first in every pod to hold the pod's namespaces. It only
// has to stay alive until the kubelet stops the pod, and exit promptly on SIGTERM/SIGINT. Built static so the
// image needs no libc.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	// As PID 1 of a shared PID namespace it would inherit orphans; reaping them keeps zombies from piling up.
	children := make(chan os.Signal, 8)
	signal.Notify(children, syscall.SIGCHLD)
	for {
		select {
		case <-stop:
			return
		case <-children:
			for {
				pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
				if pid <= 0 || err != nil {
					break
				}
			}
		}
	}
}
