package dev.analytics.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.retry.RetryRegistry;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The retry link and the request limit together, on fakes and in one thread: a receiver with a number
 * of slots that holds each accepted request until the test ends it and refuses (429) at once when they
 * are all taken, a fake clock for the adaptive limit, and a scheduler whose retries run when the test
 * says. Every send is counted, so "not sent again" is an exact count, not a wait.
 */
class RetryUnderTheLimitTest {
  static final URI ENDPOINT = URI.create("http://receiver.test/in");

  long now;
  final Receiver receiver = new Receiver();
  final ManualScheduler scheduler = new ManualScheduler();
  CallServer callServer;
  List<Interceptor> chain;

  @AfterEach
  void tearDown() {
    scheduler.shutdownNow();
  }

  /** The chain Delivery builds (retry, then the exchange), with an adaptive limit starting at {@code initial}. */
  void start(int initial, int slots) {
    receiver.slots = slots;
    DeliveryConfig.Target target =
        new DeliveryConfig.Target(ENDPOINT, "POST", List.of(), "test", Duration.ofSeconds(30), 16, true);
    AdaptiveConcurrency adaptive = new AdaptiveConcurrency(initial, 16, () -> now);
    callServer = new CallServer(new FakeClient(receiver), receiver, target, () -> false, () -> now, adaptive);
    DeliveryConfig.Retries retries =
        new DeliveryConfig.Retries(100, Duration.ofMillis(2), Duration.ofSeconds(2), () -> 1.0, RetryRegistry.ofDefaults());
    RetryInterceptor retry = new RetryInterceptor("test", retries, Clock.systemUTC(), scheduler, response -> true);
    chain = List.of(retry, callServer);
  }

  CompletableFuture<HttpResponse<String>> send() {
    Request request = new Request(List.of(), new byte[] {'{', '}'}, null);
    return Interceptor.run(chain, new Call(request, request.body, List.of()));
  }

  /** One request answered after 10 ms of fake time: the adaptive limit's baseline round trip. */
  void measureTheBaseline() {
    CompletableFuture<HttpResponse<String>> first = send();
    now += Duration.ofMillis(10).toNanos();
    receiver.endOldest();
    assertThat(first).isCompletedWithValueMatching(r -> r.statusCode() == 200);
  }

  @Test
  void aRefusedRequestIsNotSentAgainUntilTheRequestInFlightEnds() {
    start(2, 1);
    CompletableFuture<HttpResponse<String>> a = send(); // takes the receiver's only slot
    CompletableFuture<HttpResponse<String>> b = send(); // refused: the limit is cut from 2 to 1
    assertThat(receiver.sends).isEqualTo(2);
    assertThat(receiver.refused).isEqualTo(1);
    assertThat(callServer.concurrencyLimit()).isEqualTo(1);

    // The backoff passes: the retry waits for a slot under the cut limit instead of being sent.
    assertThat(scheduler.runDue()).containsExactly(2L);
    assertThat(receiver.sends).isEqualTo(2);
    assertThat(callServer.requestsInFlight()).isEqualTo(1);
    assertThat(callServer.requestsWaiting()).isEqualTo(1);
    assertThat(b).isNotDone();

    receiver.endOldest(); // a ends: its slot goes to b's retry, which the receiver now accepts
    assertThat(a).isCompletedWithValueMatching(r -> r.statusCode() == 200);
    assertThat(receiver.sends).isEqualTo(3);
    receiver.endOldest();
    assertThat(b).isCompletedWithValueMatching(r -> r.statusCode() == 200);
    assertThat(receiver.refused).isEqualTo(1);
  }

  @Test
  void aRetryAfterIsWaitedAndThenTheRetryStillWaitsForASlot() {
    start(2, 1);
    receiver.retryAfterSeconds = "1";
    send();
    CompletableFuture<HttpResponse<String>> b = send();
    assertThat(scheduler.runDue()).containsExactly(1000L); // Retry-After, not the 2 ms backoff
    assertThat(receiver.sends).isEqualTo(2);
    assertThat(callServer.requestsWaiting()).isEqualTo(1);
    receiver.endOldest();
    receiver.endOldest();
    assertThat(b).isCompletedWithValueMatching(r -> r.statusCode() == 200);
  }

  @Test
  void refusalsOfRequestsSentUnderTheCutLimitDoNotBecomeABurst() {
    start(5, 2);
    measureTheBaseline(); // the fake clock stands still from here: every answer below is in one window
    List<CompletableFuture<HttpResponse<String>>> sends = new ArrayList<>();
    for (int i = 0; i < 12; i++) sends.add(send());
    // Under 5: two accepted, the third refused (cut to 3). Under 3: the next one refused (cut to 2), and
    // nothing more is sent while both slots are taken. Before, the slot each refusal freed went to the
    // next request, refused in turn, until the window ended: here all 10 would have been refused.
    assertThat(receiver.refused).isEqualTo(2);
    assertThat(callServer.concurrencyLimit()).isEqualTo(2);
    assertThat(callServer.requestsInFlight()).isEqualTo(2);
    assertThat(receiver.sends).isEqualTo(1 + 4);

    // Drain: retries once their backoff has passed, each ended request making room for the next.
    for (int round = 0; round < 100 && (receiver.held.size() > 0 || callServer.requestsWaiting() > 0); round++) {
      scheduler.runDue();
      receiver.endOldest();
    }
    for (CompletableFuture<HttpResponse<String>> f : sends) {
      assertThat(f).isCompletedWithValueMatching(r -> r.statusCode() == 200);
    }
    assertThat(receiver.refused).isEqualTo(2);
    assertThat(receiver.sends).isEqualTo(1 + 12 + 2);
  }

  @Test
  void closingFailsARetryWaitingForASlotAtOnceAndSendsNothingMore() throws Exception {
    start(2, 1);
    CompletableFuture<HttpResponse<String>> a = send();
    CompletableFuture<HttpResponse<String>> b = send();
    scheduler.runDue();
    assertThat(callServer.requestsWaiting()).isEqualTo(1);

    callServer.close();
    assertThat(b).isCompletedExceptionally();
    assertThat(causeOf(b)).isInstanceOf(IllegalStateException.class).hasMessage("closed");
    assertThat(callServer.requestsWaiting()).isZero();
    assertThat(a).isNotDone(); // the request already sent ends as it will
    receiver.endOldest();
    assertThat(a).isCompletedWithValueMatching(r -> r.statusCode() == 200);
    assertThat(receiver.sends).isEqualTo(2);
    assertThat(send()).isCompletedExceptionally();
    assertThat(receiver.sends).isEqualTo(2);
  }

  static Throwable causeOf(CompletableFuture<?> failed) throws InterruptedException {
    try {
      failed.get();
      throw new AssertionError("not failed");
    } catch (ExecutionException e) {
      return Delivery.unwrap(e);
    }
  }

  /**
   * The receiver, as the executor the exchanges run on: an exchange handed to it has arrived. It runs at
   * once with a 429 when all slots are taken; otherwise it is held (in flight) until {@link #endOldest}.
   */
  static final class Receiver extends AbstractExecutorService {
    int slots;
    int sends;
    int refused;
    String retryAfterSeconds;
    final List<Runnable> held = new ArrayList<>();
    /** The status the exchange being run answers with. */
    int answering;

    @Override
    public void execute(Runnable exchange) {
      sends++;
      if (held.size() < slots) {
        held.add(exchange);
      } else {
        refused++;
        answer(exchange, 429);
      }
    }

    void endOldest() {
      if (!held.isEmpty()) answer(held.remove(0), 200);
    }

    private void answer(Runnable exchange, int status) {
      answering = status;
      exchange.run();
    }

    @Override
    public void shutdown() {}

    @Override
    public List<Runnable> shutdownNow() {
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return false;
    }

    @Override
    public boolean isTerminated() {
      return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }

  /** Keeps each retry resilience4j schedules until {@link #runDue}, which runs it and says its delay. */
  static final class ManualScheduler extends ScheduledThreadPoolExecutor {
    private final List<Runnable> due = new ArrayList<>();
    private final List<Long> delays = new ArrayList<>();

    ManualScheduler() {
      super(0);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      due.add(command);
      delays.add(unit.toMillis(delay));
      return null; // resilience4j's retry does not keep it
    }

    /** Runs the retries scheduled so far (their backoff has passed); returns their delays in ms. */
    List<Long> runDue() {
      List<Runnable> now = new ArrayList<>(due);
      List<Long> asked = new ArrayList<>(delays);
      due.clear();
      delays.clear();
      now.forEach(Runnable::run);
      return asked;
    }
  }

  /** Answers each blocking send with the status the {@link Receiver} chose, on the receiver's thread. */
  static final class FakeClient extends HttpClient {
    private final Receiver receiver;

    FakeClient(Receiver receiver) {
      this.receiver = receiver;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
      int status = receiver.answering;
      Map<String, List<String>> headers = status == 429 && receiver.retryAfterSeconds != null
          ? Map.of("Retry-After", List.of(receiver.retryAfterSeconds))
          : Map.of();
      return (HttpResponse<T>) new FakeResponse(request, status, HttpHeaders.of(headers, (k, v) -> true));
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
      throw new UnsupportedOperationException("the sink sends with send()");
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
        HttpResponse.PushPromiseHandler<T> push) {
      throw new UnsupportedOperationException("the sink sends with send()");
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
      return Optional.empty();
    }

    @Override
    public Optional<Duration> connectTimeout() {
      return Optional.empty();
    }

    @Override
    public Redirect followRedirects() {
      return Redirect.NEVER;
    }

    @Override
    public Optional<ProxySelector> proxy() {
      return Optional.empty();
    }

    @Override
    public SSLContext sslContext() {
      return null;
    }

    @Override
    public SSLParameters sslParameters() {
      return null;
    }

    @Override
    public Optional<Authenticator> authenticator() {
      return Optional.empty();
    }

    @Override
    public Version version() {
      return Version.HTTP_1_1;
    }

    @Override
    public Optional<Executor> executor() {
      return Optional.empty();
    }
  }

  record FakeResponse(HttpRequest request, int statusCode, HttpHeaders headers) implements HttpResponse<String> {
    @Override
    public Optional<HttpResponse<String>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public String body() {
      return "";
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return Optional.empty();
    }

    @Override
    public URI uri() {
      return request.uri();
    }

    @Override
    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }
}
