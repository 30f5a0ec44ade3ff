// Command validate renders a kustomize overlay of deploy/k8s (krusty, the kustomize API), decodes every object
// strictly into its k8s.io/api type (unknown fields fail), and checks that the objects agree with each other:
// selectors match pod labels, Service target ports are container ports, referenced Secrets and keys exist, probe
// ports are container ports, the HPA targets an existing Deployment with CPU requests.
//
// Usage: go run . -overlay ../overlays/example -secrets DIR   (DIR: the files of make-secrets.sh)
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

type objects struct {
	workloads    map[string]workload // "Kind/name"
	services     map[string]*corev1.Service
	secrets      map[string]*corev1.Secret
	hpas         []*autoscalingv2.HorizontalPodAutoscaler
	serviceNames [][2]string // StatefulSet name, its serviceName
}

type workload struct {
	kind     string
	selector *metav1.LabelSelector
	pod      corev1.PodTemplateSpec
}

var failures int

func fail(format string, args ...any) {
	failures++
	fmt.Printf("FAIL "+format+"\n", args...)
}

func ok(format string, args ...any) { fmt.Printf("ok "+format+"\n", args...) }

func main() {
	overlay := flag.String("overlay", "", "kustomization directory to render")
	secrets := flag.String("secrets", "", "directory of make-secrets.sh files, copied into OVERLAY/secrets in memory")
	flag.Parse()
	if *overlay == "" {
		fmt.Fprintln(os.Stderr, "validate: -overlay DIR is required (a kustomization directory, e.g. ../overlays/example)")
		os.Exit(2)
	}
	fs, dir, err := memoryTree(*overlay, *secrets)
	if err != nil {
		fmt.Fprintln(os.Stderr, "validate:", err)
		os.Exit(2)
	}
	resources, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "validate: kustomize build failed:", err)
		os.Exit(1)
	}
	objs := objects{map[string]workload{}, map[string]*corev1.Service{}, map[string]*corev1.Secret{}, nil, nil}
	for _, r := range resources.Resources() {
		doc, err := r.AsYAML()
		if err != nil {
			fail("%s: %v", r.CurId(), err)
			continue
		}
		decode(&objs, r.GetKind(), r.GetName(), doc)
	}
	check(&objs)
	if failures > 0 {
		fmt.Printf("%d checks failed\n", failures)
		os.Exit(1)
	}
	fmt.Println("all checks passed")
}

// memoryTree copies the deploy/k8s tree holding overlay into an in-memory file system, adding the secret files.
func memoryTree(overlay, secrets string) (filesys.FileSystem, string, error) {
	abs, err := filepath.Abs(overlay)
	if err != nil {
		return nil, "", err
	}
	root := filepath.Dir(filepath.Dir(abs)) // deploy/k8s
	fs := filesys.MakeFsInMemory()
	err = filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return err
		}
		data, err := os.ReadFile(path)
		if err == nil {
			err = fs.WriteFile(path, data)
		}
		return err
	})
	if err != nil {
		return nil, "", err
	}
	if secrets != "" {
		entries, err := os.ReadDir(secrets)
		if err != nil {
			return nil, "", err
		}
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(secrets, e.Name()))
			if err != nil {
				return nil, "", err
			}
			if err := fs.WriteFile(filepath.Join(abs, "secrets", e.Name()), data); err != nil {
				return nil, "", err
			}
		}
	}
	return fs, abs, nil
}

func strict(kind, name string, doc []byte, into any) bool {
	if err := yaml.UnmarshalStrict(doc, into); err != nil {
		fail("%s/%s does not decode strictly as a %T: %v", kind, name, into, err)
		return false
	}
	ok("%s/%s decodes strictly", kind, name)
	return true
}

func decode(objs *objects, kind, name string, doc []byte) {
	switch kind {
	case "StatefulSet":
		var s appsv1.StatefulSet
		if strict(kind, name, doc, &s) {
			objs.workloads[kind+"/"+name] = workload{kind, s.Spec.Selector, s.Spec.Template}
			checkClaims(&s)
			objs.serviceNames = append(objs.serviceNames, [2]string{name, s.Spec.ServiceName})
		}
	case "Deployment":
		var d appsv1.Deployment
		if strict(kind, name, doc, &d) {
			objs.workloads[kind+"/"+name] = workload{kind, d.Spec.Selector, d.Spec.Template}
		}
	case "Service":
		var s corev1.Service
		if strict(kind, name, doc, &s) {
			objs.services[name] = &s
		}
	case "Secret":
		var s corev1.Secret
		if strict(kind, name, doc, &s) {
			objs.secrets[name] = &s
		}
	case "HorizontalPodAutoscaler":
		var h autoscalingv2.HorizontalPodAutoscaler
		if strict(kind, name, doc, &h) {
			objs.hpas = append(objs.hpas, &h)
		}
	case "Namespace":
		var n corev1.Namespace
		strict(kind, name, doc, &n)
	default:
		fail("%s/%s: no k8s.io/api type is known to this validator for kind %s", kind, name, kind)
	}
}

func checkClaims(s *appsv1.StatefulSet) {
	claims := map[string]bool{}
	for _, c := range s.Spec.VolumeClaimTemplates {
		claims[c.Name] = true
	}
	volumes := map[string]bool{}
	for _, v := range s.Spec.Template.Spec.Volumes {
		volumes[v.Name] = true
	}
	for _, c := range s.Spec.Template.Spec.Containers {
		for _, m := range c.VolumeMounts {
			if !claims[m.Name] && !volumes[m.Name] {
				fail("StatefulSet/%s container %s mounts %q, which is neither a volume nor a claim template", s.Name, c.Name, m.Name)
			}
		}
	}
}

func containerPorts(pod corev1.PodSpec) (map[string]int32, map[int32]bool) {
	named, numbers := map[string]int32{}, map[int32]bool{}
	for _, c := range pod.Containers {
		for _, p := range c.Ports {
			numbers[p.ContainerPort] = true
			if p.Name != "" {
				named[p.Name] = p.ContainerPort
			}
		}
	}
	return named, numbers
}

func check(objs *objects) {
	for _, pair := range objs.serviceNames {
		if objs.services[pair[1]] == nil {
			fail("StatefulSet/%s: serviceName %q names no Service", pair[0], pair[1])
		} else {
			ok("StatefulSet/%s: serviceName %s is a Service", pair[0], pair[1])
		}
	}
	for id, w := range objs.workloads {
		for _, c := range w.pod.Spec.Containers {
			for i, a := range c.Args {
				if i == 0 || c.Args[i-1] != "--remote-allow" || !strings.HasPrefix(a, "dns:///") {
					continue
				}
				host, port, _ := strings.Cut(strings.TrimPrefix(a, "dns:///"), ":")
				s := objs.services[host]
				if s == nil || s.Spec.ClusterIP != corev1.ClusterIPNone {
					fail("%s: --remote-allow %s needs a headless Service %s (clusterIP: None) for round robin over its pods", id, a, host)
					continue
				}
				found := false
				for _, p := range s.Spec.Ports {
					found = found || fmt.Sprint(p.Port) == port
				}
				if !found {
					fail("%s: --remote-allow %s: Service %s has no port %s", id, a, host, port)
				} else {
					ok("%s: --remote-allow %s is the headless Service %s", id, a, host)
				}
			}
		}
	}
	for id, w := range objs.workloads {
		sel, err := metav1.LabelSelectorAsSelector(w.selector)
		if err != nil || sel.Empty() || !sel.Matches(labels.Set(w.pod.Labels)) {
			fail("%s: selector %v does not match its pod labels %v", id, w.selector, w.pod.Labels)
		} else {
			ok("%s: selector matches its pod labels", id)
		}
		checkPod(objs, id, w.pod.Spec)
	}
	for name, s := range objs.services {
		sel := labels.SelectorFromSet(s.Spec.Selector)
		matched := 0
		for id, w := range objs.workloads {
			if len(s.Spec.Selector) == 0 || !sel.Matches(labels.Set(w.pod.Labels)) {
				continue
			}
			matched++
			named, numbers := containerPorts(w.pod.Spec)
			for _, p := range s.Spec.Ports {
				t := p.TargetPort
				if (t.StrVal != "" && named[t.StrVal] != p.Port) || (t.StrVal == "" && !numbers[t.IntVal]) {
					fail("Service/%s port %d -> %s is not a container port of %s serving %d", name, p.Port, t.String(), id, p.Port)
				} else {
					ok("Service/%s port %d -> %s is a container port of %s", name, p.Port, t.String(), id)
				}
			}
		}
		if matched == 0 {
			fail("Service/%s: its selector %v selects no workload's pods", name, s.Spec.Selector)
		}
	}
	for _, h := range objs.hpas {
		target := h.Spec.ScaleTargetRef.Kind + "/" + h.Spec.ScaleTargetRef.Name
		w, found := objs.workloads[target]
		if !found {
			fail("HorizontalPodAutoscaler/%s targets %s, which does not exist", h.Name, target)
			continue
		}
		for _, c := range w.pod.Spec.Containers {
			if c.Resources.Requests.Cpu().IsZero() {
				fail("HorizontalPodAutoscaler/%s scales on CPU utilisation, but %s container %s requests no cpu", h.Name, target, c.Name)
			}
		}
		if h.Spec.MinReplicas == nil || *h.Spec.MinReplicas > h.Spec.MaxReplicas {
			fail("HorizontalPodAutoscaler/%s: minReplicas must be set and at most maxReplicas %d", h.Name, h.Spec.MaxReplicas)
		} else {
			ok("HorizontalPodAutoscaler/%s scales %s from %d to %d pods", h.Name, target, *h.Spec.MinReplicas, h.Spec.MaxReplicas)
		}
	}
}

// checkPod: secrets and their keys exist; every file an argument names under a mount is projected there; every
// probe's 127.0.0.1:PORT (exec) or port (tcp, grpc) is a container port.
func checkPod(objs *objects, id string, pod corev1.PodSpec) {
	files := map[string]bool{}
	mounts := map[string]string{}
	for _, c := range pod.Containers {
		for _, m := range c.VolumeMounts {
			mounts[m.Name] = m.MountPath
		}
	}
	for _, v := range pod.Volumes {
		var sources []corev1.SecretProjection
		if v.Projected != nil {
			for _, s := range v.Projected.Sources {
				if s.Secret != nil {
					sources = append(sources, *s.Secret)
				}
			}
		}
		if v.Secret != nil {
			sources = append(sources, corev1.SecretProjection{LocalObjectReference: corev1.LocalObjectReference{Name: v.Secret.SecretName}, Items: v.Secret.Items})
		}
		for _, s := range sources {
			secret := objs.secrets[s.Name]
			if secret == nil {
				fail("%s volume %s: Secret %q does not exist", id, v.Name, s.Name)
				continue
			}
			for _, item := range s.Items {
				_, inData := secret.Data[item.Key]
				_, inString := secret.StringData[item.Key]
				if !inData && !inString {
					fail("%s volume %s: Secret %s has no key %q", id, v.Name, s.Name, item.Key)
				} else {
					files[mounts[v.Name]+"/"+item.Path] = true
				}
			}
			ok("%s volume %s: Secret %s exists with the keys it projects", id, v.Name, s.Name)
		}
	}
	_, numbers := containerPorts(pod)
	for _, c := range pod.Containers {
		for _, arg := range append(append([]string{}, c.Command...), c.Args...) {
			if strings.HasPrefix(arg, "/run/secrets/") && !files[arg] {
				fail("%s container %s: argument %s names a file no volume projects", id, c.Name, arg)
			}
		}
		for what, p := range map[string]*corev1.Probe{"startup": c.StartupProbe, "readiness": c.ReadinessProbe, "liveness": c.LivenessProbe} {
			if p == nil {
				continue
			}
			port := int32(-1)
			switch {
			case p.Exec != nil:
				for _, a := range p.Exec.Command {
					if strings.HasPrefix(a, "127.0.0.1:") {
						var n int32
						fmt.Sscanf(strings.TrimPrefix(a, "127.0.0.1:"), "%d", &n)
						port = n
					}
					if strings.HasPrefix(a, "/run/secrets/") && !files[a] {
						fail("%s container %s %s probe: %s is a file no volume projects", id, c.Name, what, a)
					}
				}
			case p.GRPC != nil:
				port = p.GRPC.Port
			case p.TCPSocket != nil:
				port = p.TCPSocket.Port.IntVal
			}
			if !numbers[port] {
				fail("%s container %s: the %s probe's port %d is not a container port", id, c.Name, what, port)
			} else {
				ok("%s container %s: the %s probe checks container port %d", id, c.Name, what, port)
			}
		}
	}
}
