/** The demo catalog generator behind `hitline demo`. */
export { buildDemoCatalog, demoCsvs, DEMO_DEFAULTS, type DemoCatalog, type DemoCatalogOptions } from './build-demo-catalog.js';
export { planDemoCatalog, DEMO_SALES_THRESHOLD, MIN_HITS, type DemoPlan, type HitPlan, type NewProductPlan } from './catalog-plan.js';
