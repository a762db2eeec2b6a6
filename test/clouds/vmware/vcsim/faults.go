// Faults a test asks for, the way govmomi's simulator is meant to be extended to inject them
// (simulator/example_extend_test.go), here for any task method without replacing its object:
//   POST /ocs-test/faults  method=CloneVM_Task fault=InsufficientResourcesFault [times=1] [message=…]
// makes the next `times` calls of `method` answer as vCenter answers a task that fails: the method
// returns a Task at once, whose info.state is error and info.error.fault the named vim25 fault (its
// xsi:type on the wire). GET /ocs-test/faults answers how many calls of each method got one.
package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

type queuedFault struct {
	method, fault, message string
	times                  int
}

type faultQueue struct {
	mu     sync.Mutex
	queued []*queuedFault
	served map[string]int
}

func newFaultQueue() *faultQueue {
	return &faultQueue{served: map[string]int{}}
}

// take uses up one fault queued for method, if there is one.
func (q *faultQueue) take(method string) *queuedFault {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, f := range q.queued {
		if f.method == method && f.times > 0 {
			f.times--
			q.served[method]++
			return f
		}
	}
	return nil
}

// faultNamed is a new vim25 fault of the type vSphere names name (InsufficientResourcesFault, HostCommunication, …).
func faultNamed(name string) (types.BaseMethodFault, bool) {
	kind, ok := types.TypeFunc()(name)
	if !ok {
		return nil, false
	}
	fault, ok := reflect.New(kind).Interface().(types.BaseMethodFault)
	return fault, ok
}

// called is the method a SOAP request calls and the managed object it calls it on (_this).
func called(body []byte) (method string, this types.ManagedObjectReference) {
	d := xml.NewDecoder(bytes.NewReader(body))
	inBody := false
	for {
		token, err := d.Token()
		if err != nil {
			return method, this
		}
		start, ok := token.(xml.StartElement)
		if !ok {
			continue
		}
		switch {
		case start.Name.Local == "Body":
			inBody = true
		case inBody && method == "":
			method = start.Name.Local
		case method != "" && start.Name.Local == "_this":
			_ = d.DecodeElement(&this, &start)
			return method, this
		}
	}
}

// failedTask answers the call of method on this as a task that failed with fault.
func failedTask(w http.ResponseWriter, method string, this types.ManagedObjectReference, fault types.BaseMethodFault, message string) {
	task := simulator.CreateTask(this, strings.TrimSuffix(method, "_Task"), func(*simulator.Task) (types.AnyType, types.BaseMethodFault) {
		return nil, fault
	})
	ref := task.Run()
	// The simulator words the error after the Go type; vCenter words it for people.
	simulator.Map.Update(task, []types.PropertyChange{{Name: "info.error", Val: types.LocalizedMethodFault{Fault: fault, LocalizedMessage: message}}})
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><%[1]sResponse xmlns="urn:vim25"><returnval type="Task">%[2]s</returnval></%[1]sResponse></soapenv:Body></soapenv:Envelope>`, method, ref.Value)
}

func (q *faultQueue) control(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		q.mu.Lock()
		defer q.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(q.served)
		return
	}
	method, name := r.FormValue("method"), r.FormValue("fault")
	if !strings.HasSuffix(method, "_Task") {
		http.Error(w, "method must be a task method (…_Task)", http.StatusBadRequest)
		return
	}
	if _, ok := faultNamed(name); !ok {
		http.Error(w, "no vim25 fault is named "+name, http.StatusBadRequest)
		return
	}
	times, err := strconv.Atoi(r.FormValue("times"))
	if err != nil {
		times = 1
	}
	message := r.FormValue("message")
	if message == "" {
		message = name
	}
	q.mu.Lock()
	q.queued = append(q.queued, &queuedFault{method: method, fault: name, message: message, times: times})
	q.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// withFaults serves the control endpoint, and answers a call a fault is queued for; the rest goes to next.
func withFaults(q *faultQueue, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ocs-test/faults" {
			q.control(w, r)
			return
		}
		if r.URL.Path != "/sdk" || r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		method, this := called(body)
		if f := q.take(method); f != nil {
			fault, _ := faultNamed(f.fault)
			failedTask(w, method, this, fault, f.message)
			return
		}
		next.ServeHTTP(w, r)
	})
}
