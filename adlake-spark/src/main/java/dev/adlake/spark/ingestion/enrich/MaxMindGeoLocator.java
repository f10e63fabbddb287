package dev.adlake.spark.ingestion.enrich;

import com.maxmind.db.CHMCache;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.exception.GeoIp2Exception;
import com.maxmind.geoip2.model.CityResponse;
import com.maxmind.geoip2.record.Subdivision;
import dev.adlake.core.ExternalFailureException;
import dev.adlake.core.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A geography read from a MaxMind database ({@code .mmdb}, GeoLite2 or GeoIP2 City) with MaxMind's
 * reader: the country's ISO code, the first (largest) subdivision's English name and the city's
 * English name.
 *
 * <p>The file is memory-mapped and decoded records are cached by their place in the file, so
 * addresses of one network decode once. Thread-safe.
 */
final class MaxMindGeoLocator implements GeoLocator {
  private final Path file;
  private final DatabaseReader reader;

  private MaxMindGeoLocator(Path file, DatabaseReader reader) {
    this.file = file;
    this.reader = reader;
  }

  /**
   * Opens a MaxMind City database.
   *
   * @throws InvalidInputException when the file is not a MaxMind database with city data
   */
  static MaxMindGeoLocator open(Path file) {
    DatabaseReader reader;
    try {
      reader =
          new DatabaseReader.Builder(file.toFile())
              .withCache(new CHMCache())
              .locales(List.of("en"))
              .build();
    } catch (IOException e) {
      throw new InvalidInputException(
          "Cannot open %s as a MaxMind database: %s".formatted(file, e.getMessage()), e);
    }
    String type = reader.metadata().databaseType();
    if (!type.contains("City")) {
      close(file, reader);
      throw new InvalidInputException(
          "%s is a MaxMind %s database; enrich.geo-database needs a City database (GeoLite2-City"
                  .formatted(file, type)
              + " or GeoIP2-City)");
    }
    return new MaxMindGeoLocator(file, reader);
  }

  @Override
  public Optional<Geo> locate(InetAddress address) {
    Optional<CityResponse> found;
    try {
      found = reader.tryCity(address);
    } catch (IOException | GeoIp2Exception e) {
      throw new ExternalFailureException(
          "Cannot look up %s in %s: %s".formatted(address.getHostAddress(), file, e.getMessage()),
          e);
    }
    return found.map(MaxMindGeoLocator::geo);
  }

  private static Geo geo(CityResponse response) {
    String country = response.country() == null ? null : response.country().isoCode();
    List<Subdivision> subdivisions = response.subdivisions();
    String region =
        subdivisions == null || subdivisions.isEmpty() ? null : subdivisions.get(0).name();
    String city = response.city() == null ? null : response.city().name();
    if (country == null && region == null && city == null) {
      return null;
    }
    return new Geo(country, region, city);
  }

  @Override
  public void close() {
    close(file, reader);
  }

  private static void close(Path file, DatabaseReader reader) {
    try {
      reader.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close the MaxMind database " + file, e);
    }
  }
}
