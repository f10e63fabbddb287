package dev.adlake.spark.ingestion.enrich;

import static java.util.Objects.requireNonNull;

import dev.adlake.core.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** Opens the geography named by {@code enrich.geo-database}. */
public final class GeoLocators {
  private GeoLocators() {}

  /**
   * The geography of a database file, chosen by its extension: a MaxMind City database for {@code
   * .mmdb}, an IP-range CSV ({@code start_ip,end_ip,country,region,city}) for {@code .csv}, and the
   * sample CSV shipped with adlake when no file is named.
   *
   * @throws InvalidInputException naming the path when the file is missing, has another extension
   *     or cannot be read as its kind
   */
  public static GeoLocator open(Optional<Path> database) {
    requireNonNull(database, "database is null");
    if (database.isEmpty()) {
      return IpRangeGeoLocator.shipped();
    }
    Path file = database.get();
    String name = file.getFileName() == null ? "" : file.getFileName().toString();
    String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    if (!name.contains(".") || !(extension.equals("mmdb") || extension.equals("csv"))) {
      throw new InvalidInputException(
          "Cannot use %s as a geography: enrich.geo-database must name a MaxMind .mmdb or an"
                  .formatted(file)
              + " IP-range .csv file");
    }
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException(
          "Cannot use %s as a geography: the file does not exist (enrich.geo-database)"
              .formatted(file));
    }
    return extension.equals("mmdb") ? MaxMindGeoLocator.open(file) : IpRangeGeoLocator.read(file);
  }
}
