package io.appconnector.operator.logic;

import io.appconnector.operator.api.v1alpha1.ActivationStatus.Billing;
import io.appconnector.operator.api.v1alpha1.ActivationStatus.BillingState;
import io.appconnector.operator.values.Times;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Billing: an activation is billed from the first time it is Active; a fee change takes effect on
 * the first day of the next calendar month (UTC), unless the tenant's plan includes unlimited integrations.
 */
public final class BillingCalendar {
  public static final String UNLIMITED_LABEL = "appconnector.io/unlimited-integrations";

  private BillingCalendar() {
  }

  public static Instant effectiveFrom(Instant activatedAt) {
    LocalDate day = activatedAt.atZone(ZoneOffset.UTC).toLocalDate();
    return day.withDayOfMonth(1).plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /**
   * The billing status after this reconcile (the fee record's name as {@code previous} has it): none
   * until the activation is first Active; then NotBillable, IncludedInPlan (the tenant's Namespace
   * is labelled {@link #UNLIMITED_LABEL}) or FeeChangePending, which becomes FeeChangeEffective on its date.
   */
  public static Billing decide(Billing previous, boolean ready, boolean billable, Namespace tenant, Instant now) {
    Billing billing = previous == null ? null : Serialization.clone(previous);
    if (billing == null && ready) {
      billing = new Billing();
      if (!billable) {
        billing.state = BillingState.NotBillable;
      } else if (unlimitedIntegrations(tenant)) {
        billing.state = BillingState.IncludedInPlan;
      } else {
        billing.state = BillingState.FeeChangePending;
        billing.effectiveFrom = Times.format(effectiveFrom(now));
      }
    }
    if (billing != null && billing.state == BillingState.FeeChangePending
        && !now.isBefore(Times.parse(billing.effectiveFrom))) {
      billing.state = BillingState.FeeChangeEffective;
    }
    return billing;
  }

  private static boolean unlimitedIntegrations(Namespace tenant) {
    return tenant != null && tenant.getMetadata().getLabels() != null
        && "true".equals(tenant.getMetadata().getLabels().get(UNLIMITED_LABEL));
  }
}
