# language: sv
Egenskap: B – Budget
  Budgettabellen i tkr ska gå ihop, rymmas i enhetens ram och stämma med det som texten säger
  (Kommunallagen 11 kap.; stadens regler för ekonomisk förvaltning).

  Bakgrund:
    Givet en fullständig verksamhetsplan för 2012
    Och att budgeten är:
      """
      år: 2012
      ram: 32900
      intäkter:
        - {namn: Försäljning av verksamhet, belopp: 900}
      summa_intäkter: 900
      kostnader:
        - {namn: Personalkostnader, belopp: 15 931}
        - {namn: Övriga personalkostnader, belopp: 397}
        - {namn: Övriga kostnader, belopp: 17 472}
      summa_kostnader: 33 800
      summa_netto: 32 900
      """

  Regel: B1 Budgetens summor stämmer med raderna

    @B1
    Scenario: En summa kostnader som inte stämmer med raderna ger ett fel
      Givet att budgetens summa_kostnader är 34 800
      När planen kontrolleras
      Så ges fyndet B1 för budgeten
      Och fyndets meddelande nämner "34 800"

    @B1
    Scenario: En avvikelse på högst 1 tkr räknas som avrundning
      Givet att budgetens summa_intäkter är 901
      När planen kontrolleras
      Så ges inget fynd B1

    @B1
    Scenario: Summor som stämmer med raderna uppfyller kravet
      När planen kontrolleras
      Så ges inget fynd B1

  Regel: B2 Budgetens nettokostnad är kostnader minus intäkter

    @B2
    Scenario: En summa netto som inte är kostnader minus intäkter ger ett fel
      Givet att budgetens summa_netto är 33 800
      Och att budgetens ram är 40 000
      När planen kontrolleras
      Så ges fyndet B2 för budgeten
      Och fyndets meddelande nämner "32 900"

    @B2
    Scenario: En rätt räknad summa netto uppfyller kravet
      När planen kontrolleras
      Så ges inget fynd B2

  Regel: B3 Budgetens nettokostnad ryms inom enhetens ram

    @B3
    Scenario: En nettokostnad över ramen ger ett fel
      Givet att budgetens ram är 30 000
      När planen kontrolleras
      Så ges fyndet B3 för budgeten
      Och fyndets meddelande nämner "30 000"

    @B3
    Scenario: En nettokostnad lika med ramen ryms
      Givet att budgetens ram är 32 900
      När planen kontrolleras
      Så ges inget fynd B3

  Regel: B4 Nettobelopp som anges i texten stämmer med budgettabellen

    @B4
    Scenario: En text som anger en annan nettobudget än tabellen ger en varning
      Givet att planens budgettext är "Avdelningens budget uppgår till 20,7 mnkr netto."
      När planen kontrolleras
      Så ges fyndet B4 för beloppet "20,7 mnkr netto" i avsnittet Budget för planen
      Och fyndet har allvarlighetsgraden varning

    @B4
    Scenario: En text som avrundar tabellens nettobudget till miljoner stämmer
      Givet att planens budgettext är "Avdelningens budget uppgår till 32,9 mnkr netto, en ökning med 2,1 mnkr."
      När planen kontrolleras
      Så ges inget fynd B4

  Regel: B5 Texten jämför med föregående år, inte med ett äldre

    @B5
    Scenario: En jämförelse med ett år två år före planåret ger en varning
      Givet att planens budgettext är "Budgeten är 1,3 mnkr lägre jämfört med verksamhetsplanen 2010."
      När planen kontrolleras
      Så ges fyndet B5 för jämförelsen "jämfört med verksamhetsplanen 2010" i avsnittet Budget för planen

    @B5
    Scenario: En jämförelse med föregående år uppfyller kravet
      Givet att planens budgettext är "Budgeten är 2,1 mnkr högre jämfört med år 2011."
      När planen kontrolleras
      Så ges inget fynd B5

  Regel: B6 Budgeten har ingen ospecificerad besparing

    @B6
    Scenario: En ospecificerad besparing i budgettexten ger en varning
      Givet att planens budgettext är "Ramen minskar med 800 tkr. Tills vidare står beloppet som en ospecificerad besparing i tabellen."
      När planen kontrolleras
      Så ges fyndet B6 för verksamhetsplanen
      Och fyndet har allvarlighetsgraden varning
      Och fyndets meddelande nämner "ospecificerad besparing"

    @B6
    Scenario: En budgetrad med en ej fördelad besparing ger en varning
      Givet att planens fält budget.kostnader[+] är {namn: Ej fördelad besparing, belopp: -800}
      När planen kontrolleras
      Så ges fyndet B6 för verksamhetsplanen
      Och fyndets meddelande nämner "budgettabellen"

    @B6
    Scenario: En generell besparing som ska fördelas i tjänsteutlåtandet ger en varning
      Givet en fullständig akt för 2012
      Och att tjänsteutlåtandets fält bakgrund är Ramen är lägre än i fjol och en generell besparing ska fördelas under våren.
      När akten kontrolleras
      Så ges fyndet B6 för tjänsteutlåtandet

    @B6
    Scenario: En budget utan ospecificerad besparing håller
      När planen kontrolleras
      Så ges inget fynd B6

    @B6
    Scenario: En text som säger att ingen besparing är ofördelad håller
      Givet att planens budgettext är "Budgeten har ingen ospecificerad besparing; varje minskning är fördelad."
      När planen kontrolleras
      Så ges inget fynd B6

    @B6
    Scenario: Ett utdrag utan ospecificerad besparing kan inte bedömas
      Givet att planens fält utdrag är true
      När planen kontrolleras
      Så ges inget fynd B6
      Och kunde regeln B6 inte bedöma verksamhetsplanen
