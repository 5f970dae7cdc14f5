-- The daily pass rewrites every customer's model values (T ages). With full pages each new
-- row version went to another page: no HOT update, a new primary-key entry per customer per
-- day and a table that grew by its own size each pass until vacuumed. With room left on each
-- page the update stays on its page (HOT) and the previous version is pruned by the next.
-- Rows already stored move to roomier pages as they are next rewritten.
ALTER TABLE "customer_model_scores" SET (fillfactor = 45);
