/**
 * Loads a Fluvio connector file, unchanged, into an {@link dev.analytics.Analytics}:
 * {@link dev.analytics.connector.ConnectorLoader}.
 *
 * <pre>{@code
 * Analytics analytics = ConnectorLoader.fromFile(Path.of("amplitude-connector.yaml")).build();
 * }</pre>
 *
 * <h2>The file</h2>
 * <pre>{@code
 * apiVersion: 0.1.0                 # 0.1.0 | 0.2.0 | absent (legacy, no secrets); anything else: error
 * meta:
 *   name: amplitude-connector       # trimmed; the sink's name (1-64 of A-Z a-z 0-9 . _ -)
 *   type: http-sink                 # finds the SinkProvider; its section is the type without "-sink"
 *   version: 0.2.5                  # informational
 *   topic: service-events           # 0.2.0: {meta: {name: service-events}, partition: ...}
 *                                   # names the log directory: <base>/<topic>
 *   secrets:
 *     - name: AMPLITUDE_API_TOKEN    # the only names ${{ secrets.X }} may use; each must have a value
 *   consumer: {...}                 # accepted, irrelevant in-process
 * http:                             # the sink's section, handed to the provider (secrets rendered)
 *   endpoint: "https://api2.amplitude.com/2/httpapi"
 * transforms:                       # each finds a TransformProvider by uses:
 *   - uses: infinyon/jolt@0.3.0
 *     with: {spec: [...]}           # handed over with ${{ secrets.X }} unrendered
 * analytics:                        # optional library settings: see LibrarySettings
 *   directory: /var/lib/my-service/analytics
 *   delivery: {mode: batch}
 * }</pre>
 *
 * <h2>Overrides, highest precedence first</h2>
 * <ul>
 *   <li>Endpoint: {@code ConnectorLoader.endpoint(url)}; system property {@code analytics.endpoint};
 *       environment variable {@code ANALYTICS_ENDPOINT}; the file.
 *   <li>Base directory of the log: {@code ConnectorLoader.baseDirectory(path)};
 *       {@code analytics.directory}; {@code ./analytics-data}.
 *   <li>Secret values: {@code ConnectorLoader.secrets(provider)} (default: environment variables), then
 *       {@code ConnectorLoader.secretsFile(path)} (default: the {@code NAME=VALUE} file named by the
 *       system property, else the environment variable, {@code ANALYTICS_SECRETS_FILE}).
 *   <li>Anything else: {@code ConnectorLoader.customize(builder -> ...)}, applied after the file.
 * </ul>
 *
 * <h2>Errors and warnings</h2>
 * Unknown keys are warnings naming the key path and line; a wrong type or value is an
 * {@link java.lang.IllegalArgumentException} naming the file, key path and line. Secret values are
 * masked ({@code ****}) in every message, including those of providers.
 */
package dev.analytics.connector;
