package dev.adlake.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.adlake.core.AdlakeException;
import dev.adlake.core.ErrorCategory;
import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.access.Scope;
import dev.adlake.core.config.MapperConfig;
import dev.adlake.core.config.ServerConfig;
import dev.adlake.core.identity.MappingSink;
import dev.adlake.core.job.Pipeline;
import dev.adlake.core.metadata.JdbcAlerts;
import dev.adlake.core.metadata.JdbcApiTokens;
import dev.adlake.core.metadata.JdbcAudit;
import dev.adlake.core.metadata.JdbcPipelineRuns;
import dev.adlake.core.metadata.JdbcRunLedger;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import javax.sql.DataSource;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of {@code adlake serve}: the JSON API under /api over the serving store and the
 * platform's runs (job runs, pipeline runs, alerts and, when given the {@link Pipeline}, its
 * graph), its OpenAPI description at /openapi.json, the dashboard at / and its runs page at
 * /runs.html, and, when given a {@link MappingSink}, the mapper service under /mapping. Started by
 * {@link #start}, stopped by {@link #close}.
 */
public final class AdlakeServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdlakeServer.class);

  /** The pool made when the given data source is not a pool already. */
  static final int POOL_SIZE = 8;

  /** Set on a request once its JSON error answer is written. */
  private static final String ERROR_WRITTEN = "adlake.error-written";

  /** How often the server checks for a new refresh of the serving store to pre-aggregate. */
  static final Duration REFRESH_CHECK = Duration.ofSeconds(10);

  private final Javalin javalin;
  private final HikariDataSource ownPool;
  private final String url;
  private final ScheduledExecutorService indexer;
  private final AtomicReference<DailyUniquesIndex> uniquesIndex;
  private final ServerMetrics metrics;

  private AdlakeServer(
      Javalin javalin,
      HikariDataSource ownPool,
      String url,
      ScheduledExecutorService indexer,
      AtomicReference<DailyUniquesIndex> uniquesIndex,
      ServerMetrics metrics) {
    this.javalin = javalin;
    this.ownPool = ownPool;
    this.url = url;
    this.indexer = indexer;
    this.uniquesIndex = uniquesIndex;
    this.metrics = metrics;
  }

  /**
   * Starts the server on the configured host and port over a migrated adlake database.
   *
   * @param dataSource used as is when it is a Hikari pool, else wrapped in one of {@value
   *     #POOL_SIZE} connections that {@link #close} closes
   * @throws ExternalFailureException when the port cannot be bound
   */
  public static AdlakeServer start(ServerConfig config, DataSource dataSource) {
    return start(config, dataSource, true, null);
  }

  /**
   * Starts the server with the platform's pipeline, which /api/pipeline describes and the runs page
   * draws; without it, /api/pipeline answers 404.
   */
  public static AdlakeServer start(ServerConfig config, DataSource dataSource, Pipeline pipeline) {
    requireNonNull(pipeline, "pipeline is null");
    return start(config, dataSource, true, null, Optional.of(pipeline));
  }

  /**
   * Starts the server with the mapper service: the cookie-sync and bulk endpoints under /mapping,
   * which send their mapping events to the sink. The sink stays the caller's to close.
   */
  public static AdlakeServer start(
      ServerConfig config, DataSource dataSource, MapperConfig mapper, MappingSink sink) {
    requireNonNull(mapper, "mapper is null");
    requireNonNull(sink, "sink is null");
    return start(config, dataSource, true, new MapperEndpoints(mapper, sink, Clock.systemUTC()));
  }

  /** Starts the server with the platform's pipeline and the mapper service. */
  public static AdlakeServer start(
      ServerConfig config,
      DataSource dataSource,
      Pipeline pipeline,
      MapperConfig mapper,
      MappingSink sink) {
    requireNonNull(pipeline, "pipeline is null");
    requireNonNull(mapper, "mapper is null");
    requireNonNull(sink, "sink is null");
    return start(
        config,
        dataSource,
        true,
        new MapperEndpoints(mapper, sink, Clock.systemUTC()),
        Optional.of(pipeline));
  }

  /**
   * Starts the server with or without the in-memory pre-aggregation of daily sketches ({@link
   * DailyUniquesIndex}), and with or without the mapper service; without the pre-aggregation every
   * answer merges the stored sketches, which the benchmark measures too.
   *
   * @param mapperEndpoints the mapper service's endpoints, or null for none
   */
  static AdlakeServer start(
      ServerConfig config,
      DataSource dataSource,
      boolean preAggregate,
      MapperEndpoints mapperEndpoints) {
    return start(config, dataSource, preAggregate, mapperEndpoints, Optional.empty());
  }

  /**
   * Starts the server as {@link #start(ServerConfig, DataSource, boolean, MapperEndpoints)} does,
   * with or without the platform's pipeline.
   */
  static AdlakeServer start(
      ServerConfig config,
      DataSource dataSource,
      boolean preAggregate,
      MapperEndpoints mapperEndpoints,
      Optional<Pipeline> pipeline) {
    requireNonNull(config, "config is null");
    requireNonNull(dataSource, "dataSource is null");
    if (config.tls() && !java.nio.file.Files.isReadable(config.tlsKeystore().get())) {
      throw new dev.adlake.core.InvalidInputException(
          "server.tls-keystore %s cannot be read: name the PKCS12 file of the server's certificate"
              .formatted(config.tlsKeystore().get()));
    }
    HikariDataSource ownPool = null;
    DataSource pool = dataSource;
    ServerMetrics serverMetrics = new ServerMetrics(Clock.systemUTC());
    if (!(dataSource instanceof HikariDataSource given)) {
      HikariConfig hikari = new HikariConfig();
      hikari.setDataSource(dataSource);
      hikari.setMaximumPoolSize(POOL_SIZE);
      hikari.setPoolName("adlake-server");
      hikari.setMetricRegistry(serverMetrics.registry());
      ownPool = new HikariDataSource(hikari);
      pool = ownPool;
    } else if (given.getMetricRegistry() == null) {
      try {
        given.setMetricRegistry(serverMetrics.registry());
      } catch (IllegalStateException e) {
        LOG.debug("The given pool's metrics cannot be registered: {}", e.getMessage());
      }
    }
    AtomicReference<DailyUniquesIndex> uniquesIndex = new AtomicReference<>();
    ScheduledExecutorService indexer = null;
    if (preAggregate) {
      indexer =
          Executors.newSingleThreadScheduledExecutor(
              runnable -> {
                Thread thread = new Thread(runnable, "adlake-uniques-index");
                thread.setDaemon(true);
                return thread;
              });
      DataSource indexSource = pool;
      indexer.scheduleWithFixedDelay(
          () -> refreshIndex(indexSource, uniquesIndex),
          0,
          REFRESH_CHECK.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    ServingQueries queries = new ServingQueries(pool);
    JdbcRunLedger ledger = new JdbcRunLedger(pool);
    serverMetrics.watch(
        new dev.adlake.core.metadata.JdbcHealth(pool, Clock.systemUTC()),
        queries::newestHour,
        () -> queries.latestRefresh().map(ServingQueries.Refresh::refreshedAt));
    MetricsEndpoint metrics = new MetricsEndpoint(config, queries, uniquesIndex::get);
    UniquesEndpoint uniques = new UniquesEndpoint(config, queries);
    TopAdsEndpoint topAds = new TopAdsEndpoint(config, queries);
    BreakdownEndpoint breakdown = new BreakdownEndpoint(config, queries);
    StatusEndpoint freshness = new StatusEndpoint(queries);
    EntitiesEndpoints entities = new EntitiesEndpoints(queries);
    RunsEndpoint runs = new RunsEndpoint(ledger, pipeline);
    PipelineRunsEndpoints pipelineRuns =
        new PipelineRunsEndpoints(new JdbcPipelineRuns(pool), ledger, pool);
    AlertsEndpoint alerts = new AlertsEndpoint(new JdbcAlerts(pool));
    PipelineEndpoint graph = new PipelineEndpoint(pipeline);
    JdbcApiTokens tokens = new JdbcApiTokens(pool);
    JdbcAudit audit = new JdbcAudit(pool);
    ApiAccess access = config.auth() ? new ApiAccess(tokens, Clock.systemUTC()) : null;
    AccessEndpoints accessEndpoints = new AccessEndpoints(config, tokens, audit);
    ObjectMapper mapper = jsonMapper();
    byte[] openApi = resource("/openapi.json");
    Javalin javalin;
    try {
      javalin =
          Javalin.create(
              javalinConfig -> {
                javalinConfig.showJavalinBanner = false;
                if (config.tls()) {
                  // Jetty's TLS connector instead of Javalin's plain one: HTTPS only.
                  javalinConfig.jetty.addConnector(
                      (server, http) -> httpsConnector(server, http, config));
                }
                javalinConfig.requestLogger.http(serverMetrics::request);
                javalinConfig.staticFiles.enableWebjars();
                javalinConfig.staticFiles.add(
                    files -> {
                      files.hostedPath = "/";
                      files.directory = "/dashboard";
                      files.location = Location.CLASSPATH;
                    });
              });
      if (access != null) {
        javalin.before(
            "/api/*",
            context ->
                access.require(context, ApiAccess.needed(context.method().name(), context.path())));
        javalin.before("/mapping/bulk", context -> access.require(context, Scope.MANAGE));
        javalin.post("/login", json(mapper, context -> access.login(context, mapper)));
        javalin.post("/logout", json(mapper, access::logout));
      }
      javalin.after(
          "/mapping/bulk",
          context -> {
            if (context.status().getCode() == 200) {
              audit.record(
                  access == null ? "anonymous" : ApiAccess.caller(context).name(),
                  "mapping.bulk",
                  String.valueOf(context.queryParam("partner")),
                  Map.of("bytes", context.contentLength()));
            }
          });
      javalin.get("/api/whoami", json(mapper, accessEndpoints::whoami));
      javalin.get("/api/tokens", json(mapper, accessEndpoints::tokens));
      javalin.get("/api/audit", json(mapper, accessEndpoints::audit));
      javalin.get("/api/metrics", json(mapper, metrics::metrics));
      javalin.get("/api/uniques", json(mapper, uniques::uniques));
      javalin.get("/api/top-ads", json(mapper, topAds::topAds));
      javalin.get("/api/breakdown", json(mapper, breakdown::breakdown));
      javalin.get("/api/status", json(mapper, freshness::status));
      javalin.get("/api/advertisers", json(mapper, entities::advertisers));
      javalin.get("/api/campaigns", json(mapper, entities::campaigns));
      javalin.get("/api/runs", json(mapper, runs::runs));
      javalin.get("/api/pipeline-runs", json(mapper, pipelineRuns::pipelineRuns));
      javalin.get("/api/pipeline-runs/{id}/runs", json(mapper, pipelineRuns::runsOfPipelineRun));
      javalin.get("/api/alerts", json(mapper, alerts::alerts));
      javalin.get("/api/pipeline", json(mapper, graph::pipeline));
      javalin.get(
          "/metrics",
          context ->
              context
                  .contentType("text/plain; version=0.0.4; charset=utf-8")
                  .result(serverMetrics.scrape()));
      javalin.get(
          "/openapi.json", context -> context.contentType("application/json").result(openApi));
      if (mapperEndpoints != null) {
        mapperEndpoints.register(javalin, mapper);
      }
      javalin.exception(
          AccessDeniedException.class,
          (e, context) -> {
            if (e.status() == 401) {
              context.header("WWW-Authenticate", "Bearer realm=\"adlake\"");
            }
            e.retryAfterSeconds()
                .ifPresent(seconds -> context.header("Retry-After", String.valueOf(seconds)));
            error(mapper, context, e.status(), e.getMessage(), null);
          });
      javalin.exception(
          PayloadTooLargeException.class,
          (e, context) -> error(mapper, context, 413, e.getMessage(), null));
      javalin.exception(
          BadParameterException.class,
          (e, context) -> error(mapper, context, 400, e.getMessage(), e.parameter()));
      javalin.exception(
          dev.adlake.core.NotFoundException.class,
          (e, context) -> error(mapper, context, 404, e.getMessage(), null));
      javalin.exception(
          AdlakeException.class,
          (e, context) -> {
            int status = status(e.category());
            if (status >= 500 && isMapperOutage(e, context)) {
              // Every pixel hit fails alike while Kafka is away: one line each, and no query
              // string, which holds the partner's id of the browser.
              LOG.warn("{} {} failed: {}", context.method(), context.path(), e.getMessage());
            } else if (status >= 500) {
              LOG.warn("API request {} failed", context.fullUrl(), e);
            }
            error(mapper, context, status, e.getMessage(), null);
          });
      javalin.exception(
          Exception.class,
          (e, context) -> {
            LOG.error("API request {} failed", context.fullUrl(), e);
            error(mapper, context, 500, "Internal error: " + e, null);
          });
      javalin.error(
          404,
          context -> {
            // Runs after the exception handlers too: keep the answer of a NotFoundException.
            if (context.attribute(ERROR_WRITTEN) == null) {
              error(
                  mapper,
                  context,
                  404,
                  "No such path: %s %s".formatted(context.method(), context.path()),
                  null);
            }
          });
      javalin.start(config.host(), config.port());
    } catch (RuntimeException e) {
      if (indexer != null) {
        indexer.shutdownNow();
      }
      if (ownPool != null) {
        ownPool.close();
      }
      serverMetrics.close();
      throw new ExternalFailureException(
          "Cannot start the HTTP server on %s:%d: %s"
              .formatted(config.host(), config.port(), e.getMessage()),
          e);
    }
    String host = config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host();
    String url = "%s://%s:%d".formatted(config.tls() ? "https" : "http", host, javalin.port());
    LOG.info("Serving the API and dashboard at {}", url);
    return new AdlakeServer(javalin, ownPool, url, indexer, uniquesIndex, serverMetrics);
  }

  /**
   * A connector that speaks TLS with the keystore's certificate, on the configured address. Session
   * cookies are then marked Secure (see {@link ApiAccess}).
   */
  private static ServerConnector httpsConnector(
      Server server, HttpConfiguration http, ServerConfig config) {
    java.nio.file.Path keystore = config.tlsKeystore().orElseThrow();
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setKeyStorePath(keystore.toAbsolutePath().toString());
    tls.setKeyStoreType("PKCS12");
    config.tlsKeystorePassword().ifPresent(tls::setKeyStorePassword);
    HttpConfiguration https = new HttpConfiguration(http);
    SecureRequestCustomizer secure = new SecureRequestCustomizer();
    // Clients reach the server by address as often as by name; the certificate is theirs to check.
    secure.setSniHostCheck(false);
    https.addCustomizer(secure);
    ServerConnector connector =
        new ServerConnector(
            server,
            new SslConnectionFactory(tls, HttpVersion.HTTP_1_1.asString()),
            new HttpConnectionFactory(https));
    connector.setHost(config.host());
    connector.setPort(config.port());
    return connector;
  }

  /** A mapper request that failed because its sink (Kafka) did not take the events. */
  private static boolean isMapperOutage(AdlakeException e, Context context) {
    return e instanceof ExternalFailureException && context.path().startsWith("/mapping/");
  }

  /** Rebuilds the pre-aggregation when the serving store had a refresh since the last build. */
  private static void refreshIndex(
      DataSource dataSource, AtomicReference<DailyUniquesIndex> uniquesIndex) {
    try {
      DailyUniquesIndex current = uniquesIndex.get();
      long latest = DailyUniquesIndex.latestRefreshId(dataSource);
      if (current != null && current.refreshId() == latest) {
        return;
      }
      long started = System.nanoTime();
      DailyUniquesIndex built = DailyUniquesIndex.build(dataSource);
      uniquesIndex.set(built);
      LOG.info(
          "Pre-aggregated the daily sketches of {} campaigns and advertisers (refresh {}) in {} ms",
          built.entityCount(),
          built.refreshId(),
          (System.nanoTime() - started) / 1_000_000);
    } catch (RuntimeException e) {
      // Answers fall back to merging the stored sketches; the next check tries again.
      LOG.warn("Cannot pre-aggregate the serving store's daily sketches", e);
    }
  }

  /**
   * True once the in-memory pre-aggregation of daily sketches is built; before, answers are the
   * same but merge the stored sketches, which is slower.
   */
  public boolean preAggregated() {
    return uniquesIndex.get() != null;
  }

  /** The base URL, such as {@code http://127.0.0.1:8420}; the dashboard is at its root. */
  public String url() {
    return url;
  }

  public int port() {
    return javalin.port();
  }

  /** Stops serving and closes the pool this server made, if it made one. */
  @Override
  public void close() {
    if (indexer != null) {
      indexer.shutdownNow();
    }
    javalin.stop();
    if (ownPool != null) {
      ownPool.close();
    }
    metrics.close();
  }

  static io.javalin.http.Handler json(ObjectMapper mapper, Function<Context, Object> handler) {
    return context -> {
      Object answer = handler.apply(context);
      context.contentType("application/json").result(mapper.writeValueAsBytes(answer));
    };
  }

  /**
   * Jackson with the fast (Schubfach) double writer and a hand-written serializer for the points of
   * a series, which are most of the bytes of an answer.
   */
  static ObjectMapper jsonMapper() {
    SimpleModule points = new SimpleModule("adlake-points");
    points.addSerializer(MetricsEndpoint.Point.class, new MetricsEndpoint.PointSerializer());
    return JsonMapper.builder()
        .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
        .addModule(points)
        .build();
  }

  private static int status(ErrorCategory category) {
    return switch (category) {
      case USER_ERROR -> 400;
      case EXTERNAL_FAILURE -> 503;
      case INTERNAL_ERROR -> 500;
    };
  }

  private static void error(
      ObjectMapper mapper, Context context, int status, String message, String parameter) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    if (parameter != null) {
      body.put("parameter", parameter);
    }
    try {
      context.status(status).contentType("application/json").result(mapper.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    context.attribute(ERROR_WRITTEN, true);
  }

  private static byte[] resource(String name) {
    try (InputStream in = AdlakeServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
