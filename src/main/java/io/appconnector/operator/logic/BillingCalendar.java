package io.appconnector.operator.logic;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** Fee changes take effect on the first day of the next calendar month (UTC). */
public final class BillingCalendar {
  public static final String UNLIMITED_LABEL = "appconnector.io/unlimited-integrations";

  private BillingCalendar() {
  }

  public static Instant effectiveFrom(Instant activatedAt) {
    LocalDate day = activatedAt.atZone(ZoneOffset.UTC).toLocalDate();
    return day.withDayOfMonth(1).plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  }
}
