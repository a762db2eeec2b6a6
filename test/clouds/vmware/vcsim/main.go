// vcsim for the vmware driver's tests: VMware's own vCenter simulator (govmomi's simulator package,
// as Debian ships it) with the VPX model (datacenter DC0, cluster DC0_C0, datastore LocalDS_0,
// networks "VM Network" and DC0_DVPG0) and the vSphere Automation REST endpoints (tagging), served
// over TLS with the test's certificate. It adds what an account names: a template VM at
// DC0/vm/templates/ubuntu-node20 and an empty folder DC0/vm/ocs-nodes. A test can make the next
// calls of a task method fail with a vim25 fault (faults.go). Prints the SDK URL once ready and
// serves until SIGTERM or SIGINT.
package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/simulator"
	_ "github.com/vmware/govmomi/vapi/simulator" // registers /rest (tagging) on a VPX model
	"github.com/vmware/govmomi/vim25/types"
)

func check(err error, doing string) {
	if err != nil {
		log.Fatalf("vcsim: %s: %s", doing, err)
	}
}

// inventory turns one of the model's VMs into the template nodes are cloned from, and adds the folders.
func inventory(ctx context.Context, u *url.URL) {
	c, err := govmomi.NewClient(ctx, u, true)
	check(err, "logging in")
	defer func() { _ = c.Logout(ctx) }()
	finder := find.NewFinder(c.Client, false)
	dc, err := finder.Datacenter(ctx, "DC0")
	check(err, "finding DC0")
	folders, err := dc.Folders(ctx)
	check(err, "reading DC0's folders")
	templates, err := folders.VmFolder.CreateFolder(ctx, "templates")
	check(err, "creating the templates folder")
	_, err = folders.VmFolder.CreateFolder(ctx, "ocs-nodes")
	check(err, "creating the ocs-nodes folder")

	vm, err := finder.VirtualMachine(ctx, "/DC0/vm/DC0_C0_RP0_VM0")
	check(err, "finding the model's VM")
	task, err := vm.PowerOff(ctx)
	check(err, "powering the template off")
	check(task.Wait(ctx), "powering the template off")
	task, err = vm.Rename(ctx, "ubuntu-node20")
	check(err, "renaming the template")
	check(task.Wait(ctx), "renaming the template")
	task, err = templates.MoveInto(ctx, []types.ManagedObjectReference{vm.Reference()})
	check(err, "moving the template")
	check(task.Wait(ctx), "moving the template")
	check(vm.MarkAsTemplate(ctx), "marking the template")
}

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to serve on")
	certFile := flag.String("cert", "", "TLS certificate (PEM)")
	keyFile := flag.String("key", "", "TLS key (PEM)")
	username := flag.String("username", "", "the one user SessionManager.Login accepts")
	password := flag.String("password", "", "that user's password")
	flag.Parse()

	cert, err := tls.LoadX509KeyPair(*certFile, *keyFile)
	check(err, "loading the TLS certificate")

	model := simulator.VPX()
	check(model.Create(), "creating the model")
	defer model.Remove()
	model.Service.RegisterEndpoints = true
	model.Service.Listen = &url.URL{Host: *listen, User: url.UserPassword(*username, *password)}
	model.Service.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	server := model.Service.NewServer()
	defer server.Close()
	// Read per request, and set before anyone (inventory below first) calls.
	server.Config.Handler = withFaults(newFaultQueue(), server.Config.Handler)

	inventory(context.Background(), server.URL)

	sdk := *server.URL
	sdk.User = nil
	fmt.Println(sdk.String())

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
}
