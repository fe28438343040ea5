package dev.analytics.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Minimal example" compiles as written, imports and all, against the library; and it fails
 * at once, naming the environment variable it says it needs, when that variable is missing.
 */
class ReadmeMinimalExampleTest {
  @TempDir Path dir;

  /** The first java block after the "## Minimal example" heading, and the prose before it. */
  static String[] section() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int heading = readme.indexOf("\n## Minimal example\n");
    assertThat(heading).as("README has a Minimal example section").isPositive();
    int open = readme.indexOf("```java\n", heading);
    int close = readme.indexOf("\n```\n", open);
    return new String[] {readme.substring(heading, open), readme.substring(open + "```java\n".length(), close + 1)};
  }

  private Path compile(String source) throws Exception {
    Path file = dir.resolve("src").resolve("SignUpEvents.java");
    Files.createDirectories(file.getParent());
    Files.writeString(file, source);
    Path classes = Files.createDirectories(dir.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int status = javac.run(null, output, output, "-classpath", System.getProperty("java.class.path"),
        "-d", classes.toString(), "--release", "17", file.toString());
    assertThat(status).as("javac on the README's snippet:\n%s", output.toString(StandardCharsets.UTF_8)).isZero();
    return classes;
  }

  @Test
  void compilesAsWrittenAndSaysWhichVariableItNeeds() throws Exception {
    String[] section = section();
    assertThat(section[0]).as("the prose names the variable").contains("`AMPLITUDE_API_TOKEN`");
    assertThat(section[1]).startsWith("import ").contains("public class SignUpEvents");
    assertThat(compile(section[1]).resolve("SignUpEvents.class")).exists();
  }

  @Test
  void withoutTheVariableItFailsNamingIt() throws Exception {
    assumeTrue(System.getenv("AMPLITUDE_API_TOKEN") == null, "AMPLITUDE_API_TOKEN is set here");
    Path classes = compile(section()[1]);
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      var main = loader.loadClass("SignUpEvents").getMethod("main", String[].class);
      assertThatThrownBy(() -> main.invoke(null, (Object) new String[0]))
          .isInstanceOf(InvocationTargetException.class)
          .extracting(Throwable::getCause).asString().contains("AMPLITUDE_API_TOKEN");
    }
  }
}
