package dev.netknife;

/**
 * The start-up work Substrate VM leaves to the application when the native executable does not read
 * runtime options from its command line (src/native/build-native.sh: {@code -H:-ParseRuntimeOptions},
 * so that {@code -X...}, {@code -XX:...} and {@code -Dkey=value} arguments stay nk's to refuse):
 * its start-up hooks. (The handlers that let Ctrl-C and SIGTERM run the shutdown hooks are not among them:
 * commands with hooks install those themselves, {@link ExitSignals}.)
 */
final class NativeRuntime {
    private NativeRuntime() {
    }

    static void initialize() {
        if (!BuildInfo.isNativeImage()) {
            return;
        }
        try {
            // by name: the class exists only inside the native image (reachability-metadata.json lists it)
            Class.forName("org.graalvm.nativeimage.VMRuntime").getMethod("initialize").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the native runtime could not start", e);
        }
    }
}
