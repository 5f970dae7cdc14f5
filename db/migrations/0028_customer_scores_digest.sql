-- A digest of what the current score shows (points, tier, reasons with their values, shadow
-- hits, model values). A refresh whose new signal changes none of it advances the
-- watermark and stores no new row in the score history.
ALTER TABLE "customer_scores" ADD COLUMN "digest" text;
