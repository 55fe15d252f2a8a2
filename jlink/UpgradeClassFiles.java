import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Rewrites the class files of a jar that are older than Java 6 (class-file version 50) as Java 8
 * class files (version 52) with stack maps, in place; every other entry is copied unchanged.
 * Run by scripts/build on picocli, which is compiled for Java 5: the JDK's AOT cache cannot hold
 * classes older than version 50, so every start of bin/code-proxy loaded, verified (with the old
 * type-inferring verifier) and linked picocli's 167 classes from scratch. Nothing but the version
 * and the stack maps changes; the JVM verifies the new stack maps when it loads the classes.
 *
 * <pre>java UpgradeClassFiles.java JAR</pre>
 */
public final class UpgradeClassFiles {
    private static final int OLDEST_KEPT = ClassFile.JAVA_6_VERSION;

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java UpgradeClassFiles.java JAR");
            System.exit(2);
        }
        Path jar = Path.of(args[0]);
        Path out = jar.resolveSibling(jar.getFileName() + ".upgraded");
        int upgraded = 0;
        try (JarFile in = new JarFile(jar.toFile());
             URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
             OutputStream os = Files.newOutputStream(out);
             JarOutputStream jos = new JarOutputStream(os)) {
            ClassFile cf = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
                    ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.defaultResolver()
                            .orElse(ClassHierarchyResolver.ofResourceParsing(loader))));
            Enumeration<JarEntry> entries = in.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                byte[] bytes;
                try (InputStream is = in.getInputStream(e)) {
                    bytes = is.readAllBytes();
                }
                if (e.getName().endsWith(".class") && !e.getName().endsWith("module-info.class")) {
                    ClassModel m = cf.parse(bytes);
                    if (m.majorVersion() < OLDEST_KEPT) {
                        // every method body is rebuilt (not copied), which generates its stack maps
                        bytes = cf.transformClass(m, ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
                                .andThen(ClassTransform.endHandler(b -> b.withVersion(ClassFile.JAVA_8_VERSION, 0))));
                        List<VerifyError> problems = cf.verify(bytes);
                        if (!problems.isEmpty()) {
                            throw new IllegalStateException(e.getName() + " does not verify as version 52: "
                                    + problems.getFirst().getMessage());
                        }
                        upgraded++;
                    }
                }
                JarEntry copy = new JarEntry(e.getName());
                copy.setTime(e.getTime());
                jos.putNextEntry(copy);
                jos.write(bytes);
                jos.closeEntry();
            }
        }
        Files.move(out, jar, StandardCopyOption.REPLACE_EXISTING);
        System.out.println(upgraded + " class files of " + jar.getFileName() + " rewritten as version 52");
    }
}
