package dev.analytics.kafka.connect;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

/**
 * Runs the connector file's transforms and sink (usually {@code HttpSink}) on the records of its
 * partitions. {@link #put} only hands records over; a delivery thread sends them. Offsets are committed
 * in {@link #preCommit} only up to the first record that is not delivered or dead-lettered yet, so a
 * worker crash or a rebalance gives duplicates (same {@code insert_id}), never loss. An outage, a 429
 * or a 5xx never fails the task: it pauses its partitions, backs off and resumes.
 */
public final class AnalyticsSinkTask extends SinkTask {
  /** The header with the record id ({@code KafkaSink} sets it; it becomes the {@code insert_id}). */
  public static final String ID_HEADER = "analytics.id";
  /** Header of a dead-lettered record: why it could not be delivered (secrets masked). */
  public static final String REASON_HEADER = "analytics.error.reason";
  /** Header of a dead-lettered record: {@code convert}, {@code transform} or {@code sink}. */
  public static final String STAGE_HEADER = "analytics.error.stage";

  private static final System.Logger LOG = System.getLogger(AnalyticsSinkTask.class.getName());

  private TaskDelivery delivery;
  private boolean paused;

  @Override
  public String version() {
    return AnalyticsSinkConnector.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    ConnectSettings settings;
    try {
      settings = ConnectSettings.parse(props);
    } catch (ConfigException e) {
      throw new ConnectException(e.getMessage());
    }
    ErrantRecordReporter reporter = context.errantRecordReporter();
    if (reporter == null) {
      throw new ConnectException("records the endpoint rejects need a dead-letter topic: set errors.tolerance=all and "
          + "errors.deadletterqueue.topic.name (and errors.deadletterqueue.context.headers.enable=true)");
    }
    Pipeline pipeline;
    try {
      pipeline = Pipeline.create(settings, AnalyticsSinkTask.class.getClassLoader());
    } catch (ConfigException e) {
      throw new ConnectException(e.getMessage());
    }
    delivery = new TaskDelivery(pipeline, reporter, settings.maxBuffered, Duration.ofMillis(settings.backoffMinMillis),
        Duration.ofMillis(settings.backoffMaxMillis), System::nanoTime, "analytics-connect-" + settings.connectorName);
    LOG.log(System.Logger.Level.INFO, "{0}: started with {1} transform(s) and sink {2}", pipeline.name,
        pipeline.transforms.size(), pipeline.sink.describe());
  }

  @Override
  public void open(Collection<TopicPartition> partitions) {
    delivery.open(partitions);
    if (paused) context.pause(partitions.toArray(new TopicPartition[0]));
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    delivery.accept(records);
    // put() runs on the task thread, the only one that may pause or resume the consumer.
    if (delivery.shouldPause()) {
      if (!paused) {
        LOG.log(System.Logger.Level.INFO, "pausing {0}: {1} records in hand, holding for {2}",
            context.assignment(), delivery.buffered(), delivery.holding());
      }
      paused = true;
      context.pause(context.assignment().toArray(new TopicPartition[0]));
    } else if (paused && delivery.mayResume()) {
      paused = false;
      context.resume(context.assignment().toArray(new TopicPartition[0]));
    }
  }

  @Override
  public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
    Map<TopicPartition, OffsetAndMetadata> committable = delivery.committableOffsets();
    committable.keySet().retainAll(currentOffsets.keySet());
    return committable;
  }

  @Override
  public void close(Collection<TopicPartition> partitions) {
    delivery.close(partitions);
  }

  @Override
  public void stop() {
    if (delivery != null) delivery.close();
  }

  /** For tests. */
  TaskDelivery delivery() {
    return delivery;
  }

  boolean paused() {
    return paused;
  }
}
