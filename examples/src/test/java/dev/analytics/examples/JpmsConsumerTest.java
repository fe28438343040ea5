package dev.analytics.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.analytics.Analytics;
import dev.analytics.connector.ConnectorLoader;
import dev.analytics.http.HttpSink;
import dev.analytics.testing.RecordingSink;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The module descriptors, checked the way a user meets them: a consumer module compiled on the module
 * path against the built jars. It compiles when it uses the exported API, and fails when it reaches into
 * any module's internal package. Runs where the jars are built ({@code mvn verify}); under {@code mvn test}
 * the modules are plain class directories without descriptors, and the test is skipped.
 */
class JpmsConsumerTest {
  @TempDir Path out;

  /** The module path: the library's jars and their dependencies' jars. */
  static List<Path> modulePath() {
    List<Path> path = new ArrayList<>();
    for (Class<?> type : List.of(Analytics.class, ConnectorLoader.class, HttpSink.class, RecordingSink.class,
        ObjectMapper.class, JsonFactory.class, JsonProperty.class, YAMLFactory.class, Yaml.class,
        Retry.class, IntervalFunction.class, org.slf4j.Logger.class)) {
      path.add(location(type));
    }
    return path;
  }

  static Path location(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static boolean hasDescriptor(Path jar) throws IOException {
    if (!Files.isRegularFile(jar)) return false;
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return zip.getEntry("module-info.class") != null;
    }
  }

  /** Compiles {@code sources} as one module on {@link #modulePath()}; returns javac's output, or null on success. */
  String compile(Path sourceRoot) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> files;
    try (Stream<Path> walk = Files.walk(sourceRoot)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).map(Path::toString).collect(Collectors.toList());
    }
    List<String> args = new ArrayList<>(List.of("-d", out.toString(), "--module-path",
        modulePath().stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator))));
    args.addAll(files);
    java.io.ByteArrayOutputStream diagnostics = new java.io.ByteArrayOutputStream();
    int status = javac.run(null, null, diagnostics, args.toArray(new String[0]));
    return status == 0 ? null : diagnostics.toString();
  }

  void assumeBuiltJars() throws IOException {
    assumeThat(hasDescriptor(location(Analytics.class)))
        .as("the library's jars (with module descriptors) are built: run under mvn verify").isTrue();
  }

  @Test
  void aConsumerOfTheApiCompilesOnTheModulePath() throws IOException {
    assumeBuiltJars();
    for (Class<?> type : List.of(Analytics.class, ConnectorLoader.class, HttpSink.class, RecordingSink.class)) {
      assertThat(hasDescriptor(location(type))).as(type.getName() + " in a named module").isTrue();
    }
    assertThat(compile(Path.of("src/test/jpms/consumer"))).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "dev.analytics.internal.log.EventLog",
      "dev.analytics.internal.settings.HumanDuration",
      "dev.analytics.http.internal.Delivery",
      "dev.analytics.http.connector.HttpSinkProvider",
      "dev.analytics.connector.internal.Problems"})
  void aConsumerThatReachesAnInternalPackageDoesNotCompile(String internal) throws IOException {
    assumeBuiltJars();
    Path src = out.resolve("src");
    Path pkg = Files.createDirectories(src.resolve("com/example/intruder"));
    Files.writeString(src.resolve("module-info.java"), "module com.example.intruder {\n"
        + "  requires dev.analytics.core;\n  requires dev.analytics.connector;\n  requires dev.analytics.http;\n}\n");
    Files.writeString(pkg.resolve("Intruder.java"), "package com.example.intruder;\n\n"
        + "public final class Intruder {\n  Class<?> reach = " + internal + ".class;\n}\n");
    String errors = compile(src);
    String pkgName = internal.substring(0, internal.lastIndexOf('.'));
    assertThat(errors).isNotNull()
        .contains("package " + pkgName + " is not visible");
  }
}
