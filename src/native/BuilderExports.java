import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.util.Comparator;
import java.util.Set;
import java.util.TreeSet;

/**
 * Prints, one per line, an {@code --add-exports} option for every package that a JDK module of the
 * boot layer does not export to everyone. The Substrate VM builder reaches into the JDK's internals
 * everywhere (the {@code native-image} driver, which we do not have, passes such a list); the
 * builder's modules and the class path get them all. Run it with the module options the builder
 * runs with, so the boot layer is the builder's: the arguments name the builder's modules.
 */
public class BuilderExports {
    public static void main(String[] builderModules) {
        String targets = String.join(",", builderModules) + (builderModules.length > 0 ? "," : "") + "ALL-UNNAMED";
        ModuleFinder jdk = ModuleFinder.ofSystem();
        ModuleLayer.boot().modules().stream()
                .map(Module::getDescriptor)
                .filter(module -> jdk.find(module.name()).isPresent() && !module.name().equals("jdk.graal.compiler"))
                .sorted(Comparator.comparing(ModuleDescriptor::name))
                .forEach(module -> {
                    Set<String> concealed = new TreeSet<>(module.packages());
                    module.exports().stream()
                            .filter(export -> !export.isQualified())
                            .forEach(export -> concealed.remove(export.source()));
                    concealed.forEach(pkg -> System.out.println("--add-exports=" + module.name() + "/" + pkg + "=" + targets));
                });
    }
}
