// netknife: prints the JVMCI AMD64 CPU features HotSpot detects on this machine, one line:
// "jvmci features: A B C".  build.sh --test compares them with determineCPUFeatures: an image
// built with -march=native requires all of these, so the C detection must report each of them.
import jdk.vm.ci.amd64.AMD64;
import jdk.vm.ci.runtime.JVMCI;

public class JvmciCpuFeatures {
    public static void main(String[] args) {
        var arch = (AMD64) JVMCI.getRuntime().getHostJVMCIBackend().getTarget().arch;
        var names = new StringBuilder("jvmci features:");
        for (AMD64.CPUFeature feature : arch.getFeatures()) {
            names.append(' ').append(feature.name());
        }
        System.out.println(names);
    }
}
