"""KPIs (绩效指标) and reports (报表): the desk's figures, computed by SQL aggregates from
what the platform records; the monthly service-quality report (月度服务质量分析报告)
generated and stored by an rq job in time for the 22nd."""
