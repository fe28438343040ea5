package dev.analytics.benchmarks.peers;

/** The libraries the report compares, each with the transport it uses against the receiver. */
enum Library {
  OURS("analytics (this library)", false),
  OURS_HTTPS("analytics over HTTPS", true),
  SEGMENT("Segment analytics-java 3.5.4", false),
  AMPLITUDE("Amplitude java-sdk 1.13.0 (HTTPS)", true);

  final String label;
  final boolean https;

  Library(String label, boolean https) {
    this.label = label;
    this.https = https;
  }

  boolean isOurs() {
    return this == OURS || this == OURS_HTTPS;
  }

  PeerClient open(String base) throws Exception {
    return switch (this) {
      case OURS, OURS_HTTPS -> new OursClient(base);
      case SEGMENT -> new SegmentClient(base);
      case AMPLITUDE -> new AmplitudeClient(base);
    };
  }
}
