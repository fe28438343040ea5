package dev.analytics.benchmarks.peers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A throw-away certificate for {@code 127.0.0.1} made at run time with the JDK's {@code keytool}: a
 * key store for the loopback HTTPS receiver and a trust store holding only its certificate. Child JVMs
 * trust it through {@code -Djavax.net.ssl.trustStore}, which every client here honours (the JDK's
 * {@code HttpClient} and {@code HttpsURLConnection} through the default {@code SSLContext}, OkHttp
 * through the platform trust manager). Amplitude's SDK speaks HTTPS only, hence all this.
 */
final class SelfSignedCertificate {
  static final String PASSWORD = "peers-bench";

  final Path keyStore;
  final Path trustStore;

  private SelfSignedCertificate(Path keyStore, Path trustStore) {
    this.keyStore = keyStore;
    this.trustStore = trustStore;
  }

  static SelfSignedCertificate create(Path directory) throws IOException, InterruptedException {
    Path keyStore = directory.resolve("receiver.p12");
    Path certificate = directory.resolve("receiver.cer");
    Path trustStore = directory.resolve("trust.p12");
    keytool("-genkeypair", "-alias", "receiver", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
        "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
    keytool("-exportcert", "-alias", "receiver", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
        "-file", certificate.toString());
    keytool("-importcert", "-noprompt", "-alias", "receiver", "-file", certificate.toString(), "-storetype",
        "PKCS12", "-keystore", trustStore.toString(), "-storepass", PASSWORD);
    return new SelfSignedCertificate(keyStore, trustStore);
  }

  /** The JVM options that make a child trust this certificate and find the receiver's key. */
  List<String> jvmOptions() {
    return List.of("-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStorePassword=" + PASSWORD,
        "-Djavax.net.ssl.trustStoreType=PKCS12", "-Dpeers.keyStore=" + keyStore);
  }

  /** The server side, in a child: the key store named by {@code -Dpeers.keyStore}. */
  static SSLContext serverContext() throws IOException, GeneralSecurityException {
    String path = System.getProperty("peers.keyStore");
    if (path == null) throw new IllegalStateException("-Dpeers.keyStore is not set: HTTPS needs the report's certificate");
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(Path.of(path))) {
      store.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, PASSWORD.toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("keytool " + args[0] + " failed: " + new String(output));
    }
  }
}
